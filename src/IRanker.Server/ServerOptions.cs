using IRanker.Model;

namespace IRanker.Server;

/// <summary>
/// Settings of the rerank server, read from the configuration section <c>IRanker</c>: <c>appsettings.json</c>,
/// environment variables (<c>IRanker__Model</c>, <c>IRanker__ApiKey</c>, ...) or the command line
/// (<c>--model</c>, <c>--api-key</c>, or any <c>--IRanker:Name=value</c>).
/// </summary>
/// <remarks>
/// Every limit is checked on each request; a request beyond one gets a 4xx problem response that names the field and
/// the limit. The defaults fit a small model on a machine with a few CPU cores (docs/serving.md).
/// </remarks>
/// <example>
/// <code>
/// dotnet run --project src/IRanker.Server -c Release -- --model output/iranker-model.zip --urls http://127.0.0.1:8080 \
///     --IRanker:MaxDocuments=200 --IRanker:QueueBytes=268435456
/// </code>
/// </example>
public sealed class ServerOptions
{
    /// <summary>The configuration section these settings are read from.</summary>
    public const string Section = "IRanker";

    /// <summary>
    /// The model to serve: a model zip written by <c>mlContext.Model.Save</c> (an IRanker transformer inside), or a
    /// Hugging Face model folder (<c>IRankerModel.Load</c>). Required.
    /// </summary>
    public string? Model { get; set; }

    /// <summary>
    /// When set, every request except the health probes needs <c>Authorization: Bearer {ApiKey}</c>; others get 401.
    /// Default null (no key).
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Where a Hugging Face folder runs: <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>, <c>auto</c>. A zip runs where its saved options say. Default <c>cpu</c>.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>The prompt template of the Cohere endpoints, and of <c>/v1/rank</c> when a request names none. Default <see cref="RankingScenario.Passage"/>.</summary>
    public RankingScenario Scenario { get; set; } = RankingScenario.Passage;

    /// <summary>The task within <see cref="Scenario"/> (e.g. <c>Performance</c> for routing) when a request names none. Default null.</summary>
    public string? Task { get; set; }

    /// <summary>
    /// The decoding modes a request may ask for (comma-separated), besides the model's own mode, which is always
    /// allowed and is used when a request names none. Default <c>Choice,Answer</c>: <c>Reasoning</c> generates up to
    /// 256 tokens per elimination step, so it is off unless listed here.
    /// </summary>
    public string AllowedModes { get; set; } = "Choice,Answer";

    /// <summary>
    /// Rank the lists of concurrent requests together: the worker takes every request waiting in the queue (up to
    /// <see cref="MaxBatchRequests"/>) into one round and ranks the round's lists of one decoding mode, schedule and
    /// size class (<see cref="ShortListDocuments"/>) in one engine call, whose forward batches are filled by the
    /// engine's token budget. False ranks one request per engine call. Default true.
    /// </summary>
    public bool Batching { get; set; } = true;

    /// <summary>The most requests ranked in one round (and so in one engine call) when <see cref="Batching"/> is on. Default 32.</summary>
    public int MaxBatchRequests { get; set; } = 32;

    /// <summary>
    /// Within a round, the lists of at most this many documents are ranked in engine calls of their own, before the
    /// calls of longer lists, so a short request does not wait for a long one that was taken into the same round. An
    /// engine call answers when its longest list is ranked, so the round's calls run in order of their longest list,
    /// shortest first (ties in queue order). Default 20.
    /// </summary>
    public int ShortListDocuments { get; set; } = 20;

    /// <summary>
    /// The most requests waiting for the model; one more gets 429 with <c>Retry-After</c>. Default 1,024: with small
    /// requests the byte bound, <see cref="QueueBytes"/>, is the one that binds.
    /// </summary>
    public int QueueCapacity { get; set; } = 1_024;

    /// <summary>
    /// The most bytes of request text the waiting requests may hold together. A request counts 2 bytes per character
    /// (UTF-16) of its query and of its documents' texts and IDs, plus 128 bytes per document (its objects); one that
    /// would take the waiting requests over this bound gets 429 with <c>Retry-After</c>. An empty queue always takes
    /// one request, however large, so a request within the document limits is never refused for its size alone.
    /// Default 64 MiB (67,108,864).
    /// </summary>
    public long QueueBytes { get; set; } = 64L << 20;

    /// <summary>The <c>Retry-After</c> seconds sent with 429 (queue full) and 503 (model not ready). Default 1.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>
    /// The most documents (candidates) in one request. Default 1,000, as Cohere's rerank API recommends; a request over
    /// <see cref="LongListDocuments"/> is ranked with <see cref="LongListSchedule"/>.
    /// </summary>
    public int MaxDocuments { get; set; } = 1_000;

    /// <summary>
    /// A request with more documents than this is ranked with <see cref="LongListSchedule"/> (in Choice mode), so its
    /// time grows about linearly with its documents; up to it, with the model's own schedule. Default 100.
    /// </summary>
    public int LongListDocuments { get; set; } = 100;

    /// <summary>
    /// The elimination schedule of requests over <see cref="LongListDocuments"/>, as <c>EliminationSchedule.Parse</c>
    /// reads it: <c>Fraction(0.5, 5)</c> (the default: half of the remaining documents per step, the top 5 one at a
    /// time), <c>OnePass</c> or <c>OnePerStep</c>. A list too long for one prompt is ranked in windows either way.
    /// </summary>
    public string LongListSchedule { get; set; } = "Fraction(0.5, 5)";

    /// <summary>The most characters of one document (or candidate ID). Default 2,000.</summary>
    public int MaxDocumentChars { get; set; } = 2_000;

    /// <summary>The most characters of the query (context). Default 4,000.</summary>
    public int MaxQueryChars { get; set; } = 4_000;

    /// <summary>
    /// The most characters of query and documents together. Default 1,004,000: 1,000 documents of 1,000 characters
    /// and the longest query. A list too long for one prompt is ranked in windows, so this bounds a request's work, not
    /// a prompt.
    /// </summary>
    public int MaxTotalChars { get; set; } = 1_004_000;

    /// <summary>
    /// The largest request body in bytes (also Kestrel's limit); null (the default) derives it from the document
    /// limits: <see cref="BodyBytesFor"/>, 6,345,536 bytes (about 6 MiB) at the defaults. Set it to bound bodies
    /// tighter or looser than the document limits do.
    /// </summary>
    public long? MaxBodyBytes { get; set; }

    /// <summary>The body limit in force: <see cref="MaxBodyBytes"/> when set, otherwise <see cref="BodyBytesFor"/> of these options.</summary>
    public long EffectiveMaxBodyBytes => MaxBodyBytes ?? BodyBytesFor(this);

    /// <summary>
    /// The body that fits the largest request within the document limits, however its client escapes JSON: the text of
    /// <see cref="MaxDocuments"/> documents of <see cref="MaxDocumentChars"/> and the longest query (at most
    /// <see cref="MaxTotalChars"/>), at 6 bytes per character (a <c>\uXXXX</c> escape, as Python's <c>json.dumps</c>
    /// writes non-ASCII text), 256 bytes per document for its quotes, separators and object fields, and 64 KiB for
    /// the other fields.
    /// </summary>
    public static long BodyBytesFor(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        long documents = Math.Max(0, options.MaxDocuments);
        long chars = Math.Min(Math.Max(0, options.MaxTotalChars), Math.Max(0, options.MaxQueryChars) + documents * Math.Max(0, options.MaxDocumentChars));
        return 6 * chars + 256 * documents + (64 << 10);
    }

    /// <summary>Padded tokens per forward batch; null = the model's own setting (16,384 by default).</summary>
    public int? TokenBudget { get; set; }

    /// <summary>
    /// The most resident memory the server process should use, in MiB; null (the default) sets no bound. Near it
    /// (above 80%) the server gives the native heap's free memory back to the kernel before each round and ranks
    /// smaller rounds in smaller forward batches; above 95% after that, it ranks one request per round and answers new
    /// requests 429 with <c>Retry-After</c> while others are waiting or ranking (docs/serving.md, "Memory").
    /// </summary>
    public int? MaxMemoryMB { get; set; }

    /// <summary>On SIGTERM, how long in-flight requests may run before they are cancelled. Default 30 seconds.</summary>
    public int ShutdownTimeoutSeconds { get; set; } = 30;

    /// <summary>Log each request's query and documents (Information level). Default false: texts are never logged.</summary>
    public bool LogTexts { get; set; }
}
