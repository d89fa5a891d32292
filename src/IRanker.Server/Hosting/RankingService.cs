using System.Threading.Channels;
using IRanker.Model;
using IRanker.Server.Metrics;
using Microsoft.Extensions.Options;

namespace IRanker.Server.Hosting;

/// <summary>
/// The front of the ranking pipeline: whether the model is ready, and the bounded queue that requests enter and the
/// <see cref="RankingWorker"/> drains. A full queue refuses at once; nothing waits in unbounded memory.
/// </summary>
internal sealed class RankingService
{
    private readonly Channel<RankingJob> _queue;
    private readonly ServerMetrics _metrics;
    private volatile IRankingBackend? _backend;
    private volatile string? _failure;
    private volatile bool _closed;

    public RankingService(IOptions<ServerOptions> options, ServerMetrics metrics)
    {
        Options = options.Value;
        ServerOptionsValidator.TryParseModes(Options.AllowedModes, out var allowed, out _);
        ConfiguredModes = allowed;
        _metrics = metrics;
        _queue = Channel.CreateBounded<RankingJob>(new BoundedChannelOptions(Options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,   // TryWrite then fails instead of waiting
        });
        metrics.QueueDepth = () => _queue.Reader.Count;
        metrics.QueueCapacity = Options.QueueCapacity;
        metrics.Ready = () => IsReady;
    }

    public ServerOptions Options { get; }

    private IReadOnlySet<DecodingMode> ConfiguredModes { get; }

    /// <summary>True once the model is loaded and a warm-up ranking ran.</summary>
    public bool IsReady => _backend is not null;

    /// <summary>Why loading failed, or null.</summary>
    public string? Failure => _failure;

    /// <summary>The model's description once ready.</summary>
    public string? ModelDescription => _backend?.Description;

    /// <summary>The mode of requests that name none: the model's own.</summary>
    public DecodingMode DefaultMode => _backend?.DefaultMode ?? DecodingMode.Choice;

    /// <summary>The modes a request may name: the configured ones and the model's own.</summary>
    public IReadOnlySet<DecodingMode> AllowedModes => new HashSet<DecodingMode>(ConfiguredModes) { DefaultMode };

    /// <summary>The worker's end of the queue.</summary>
    public ChannelReader<RankingJob> Queue => _queue.Reader;

    public void MarkReady(IRankingBackend backend) => _backend = backend;

    public void MarkFailed(string reason) => _failure = reason;

    /// <summary>
    /// Queues <paramref name="query"/> for ranking, or answers at once when it has at most one candidate (no model call).
    /// </summary>
    /// <returns><see cref="Admission.Queued"/> with <paramref name="result"/> set, or why the job was refused.</returns>
    public Admission TryRank(RankingQuery query, DecodingMode mode, CancellationToken cancellationToken, out Task<RankingResult> result)
    {
        result = Task.FromResult(WithoutModel(query));
        if (query.Candidates.Count <= 1) return Admission.Queued;
        var job = new RankingJob(query, mode, cancellationToken);
        if (_queue.Writer.TryWrite(job))
        {
            result = job.Result;
            return Admission.Queued;
        }
        var refusal = _closed ? Admission.Stopping : Admission.QueueFull;
        _metrics.Rejected(refusal == Admission.Stopping ? "stopping" : "queue_full");
        return refusal;
    }

    /// <summary>Stops taking jobs; the worker finishes those already queued.</summary>
    public void Complete()
    {
        _closed = true;
        _queue.Writer.TryComplete();
    }

    private static RankingResult WithoutModel(RankingQuery query) => query.Candidates.Count == 1
        ? new RankingResult(query, [0], [new EliminationStep(0, 0, "", AnswerMatch.LastRemaining)])
        : new RankingResult(query, [], []);
}

/// <summary>Whether a job entered the queue.</summary>
internal enum Admission
{
    /// <summary>Queued (or answered without a model call).</summary>
    Queued,
    /// <summary>The queue is full: try again shortly.</summary>
    QueueFull,
    /// <summary>The server is stopping and takes no new work.</summary>
    Stopping,
}
