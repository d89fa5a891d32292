using System.Diagnostics;
using IRanker.Model;

namespace IRanker.Server.Hosting;

/// <summary>
/// Keeps the server within <see cref="ServerOptions.MaxMemoryMB"/>: decides, before each round, whether to give the
/// native heap's free memory back to the kernel and how large a round may be, and, for each new request, whether it
/// may enter the queue. Without a bound every round is full-sized and every request is admitted.
/// </summary>
/// <remarks>
/// <para>Each round's growth of the resident memory (its peak over its start) is measured, per candidate, and the next
/// round takes no more candidates than the memory left under <see cref="SoftShare"/> of the bound holds at that rate
/// (the larger of the last round's rate and three quarters of the rate before it, so a light round does not make the
/// next one reckless). The same growth is also learned, as the largest rate seen, per prompt token (the key/value caches grow with the tokens of
/// the round's prompts) and per attention cell (the attention scores of a forward batch grow with its token budget
/// times its longest prompt, not with the candidates), so that a round of long lists is sized by its lists: the worker
/// takes a request only while the round's estimate (<see cref="Estimate"/>, the larger of the two parts) fits the memory
/// left at the lowest token budget allowed (<see cref="Fits"/>), and ranks the round with the largest token budget that
/// fits (<see cref="BudgetFor"/>), never below its longest prompt. Until a round was measured the estimate is unknown,
/// and a round takes one request. Three levels of the resident memory, measured after a trim: up to <see cref="SoftShare"/> of
/// the bound a round is full-sized but for that candidate cap; above it a round takes half the requests and ranks in forward batches of half the token
/// budget (activations are most of a round's memory, and they grow with the batch); above <see cref="HardShare"/> a
/// round takes one request, with a quarter of the budget, and new requests are refused while others are waiting or
/// ranking. An idle server always admits a request, so a bound below what the model itself needs slows the server
/// down to one request at a time instead of stopping it.</para>
/// <para>Thread-safe: the worker plans rounds while the endpoints ask for admission.</para>
/// </remarks>
internal sealed class MemoryBound
{
    /// <summary>Above this share of the bound, rounds shrink and the heap is trimmed before each.</summary>
    public const double SoftShare = 0.80;

    /// <summary>Above this share of the bound (after a trim), one request per round and no new requests while busy.</summary>
    public const double HardShare = 0.95;

    private readonly long _measureEveryTicks;
    private readonly Func<long> _resident;
    private readonly Func<bool> _trim;
    private long _lastResident;
    private long _measuredAt;
    private long _trims;
    private double _bytesPerCandidate;
    private double _bytesPerPromptToken;
    private double _bytesPerAttentionCell;
    private long _headroom = long.MaxValue;

    /// <param name="limitBytes">The bound; null for none.</param>
    /// <param name="resident">Reads the resident memory in bytes.</param>
    /// <param name="trim">Gives the native heap's free memory back to the kernel.</param>
    /// <param name="measureEvery">How long a reading of <paramref name="resident"/> is reused for admissions; default 100 ms.</param>
    public MemoryBound(long? limitBytes, Func<long> resident, Func<bool> trim, TimeSpan? measureEvery = null)
    {
        _measureEveryTicks = (long)((measureEvery ?? TimeSpan.FromMilliseconds(100)).TotalSeconds * Stopwatch.Frequency);
        _measuredAt = Stopwatch.GetTimestamp() - _measureEveryTicks - 1;   // the first call measures
        if (limitBytes is < 1) throw new ArgumentOutOfRangeException(nameof(limitBytes), limitBytes, "The memory bound must be positive (or null for none).");
        LimitBytes = limitBytes;
        _resident = resident;
        _trim = trim;
    }

    /// <summary>The bound in bytes; null for none.</summary>
    public long? LimitBytes { get; }

    /// <summary>How many times the heap was trimmed because memory was near the bound.</summary>
    public long Trims => Interlocked.Read(ref _trims);

    /// <summary>The level the last plan was made at.</summary>
    public MemoryLevel Level { get; private set; } = MemoryLevel.Normal;

    /// <summary>
    /// The next round's size: called by the worker before it takes a round. Near the bound it trims the heap first,
    /// then plans by the memory left.
    /// </summary>
    /// <param name="maxRequests">The most requests of a full round.</param>
    /// <param name="tokenBudget">The token budget of a full round's forward batches.</param>
    public RoundPlan PlanRound(int maxRequests, int tokenBudget)
    {
        if (LimitBytes is not { } limit) return new RoundPlan(maxRequests, tokenBudget, Trimmed: false, int.MaxValue);
        long resident = Measure();
        bool trimmed = false;
        if (resident > SoftShare * limit)
        {
            _trim();
            Interlocked.Increment(ref _trims);
            trimmed = true;
            resident = Measure(force: true);
        }
        Level = resident <= SoftShare * limit ? MemoryLevel.Normal : resident <= HardShare * limit ? MemoryLevel.Near : MemoryLevel.Over;
        int candidates = _bytesPerCandidate > 0
            ? (int)Math.Clamp((SoftShare * limit - resident) / _bytesPerCandidate, 0, int.MaxValue)
            : int.MaxValue;
        Volatile.Write(ref _headroom, (long)Math.Max(0, SoftShare * limit - resident));
        return Level switch
        {
            MemoryLevel.Normal => new RoundPlan(maxRequests, tokenBudget, trimmed, candidates),
            MemoryLevel.Near => new RoundPlan(Math.Max(1, maxRequests / 2), Math.Max(1, tokenBudget / 2), trimmed, candidates),
            _ => new RoundPlan(1, Math.Max(1, tokenBudget / 4), trimmed, candidates),
        };
    }

    /// <summary>
    /// What a round cost: called by the worker after it, with the resident memory at its start and its peak, so that
    /// the next rounds are sized by the memory a candidate takes.
    /// </summary>
    /// <param name="candidates">The candidates the round ranked.</param>
    /// <param name="startBytes">The resident memory when it started.</param>
    /// <param name="peakBytes">The peak resident memory while it ran (0 when unknown: nothing is learned).</param>
    public void RoundFinished(int candidates, long startBytes, long peakBytes) =>
        RoundFinished(new RoundShape(candidates, 0, 0), 0, startBytes, peakBytes);

    /// <summary>
    /// What a round cost: called by the worker after it, with the round's lists, the token budget it ranked with, and
    /// the resident memory at its start and its peak. Three rates are learned, each as if it alone explained the
    /// round's growth: per candidate (the larger of this round's rate and three quarters of the rate before), and the
    /// largest rate seen per prompt token (the key/value caches) and per attention cell (a full forward batch's tokens ×
    /// the longest prompt: the attention scores). A round that reuses memory the heap kept from the rounds before grows
    /// little, so those two rates never fall.
    /// </summary>
    /// <param name="shape">The round's lists (<see cref="RoundShape.Of"/>).</param>
    /// <param name="tokenBudget">The token budget the round's forward batches had (0 when unknown: no attention rate is learned).</param>
    /// <param name="startBytes">The resident memory when it started.</param>
    /// <param name="peakBytes">The peak resident memory while it ran (0 when unknown: nothing is learned).</param>
    public void RoundFinished(RoundShape shape, int tokenBudget, long startBytes, long peakBytes)
    {
        if (shape.Candidates < 1 || peakBytes <= 0) return;
        double growth = Math.Max(0, peakBytes - startBytes);
        _bytesPerCandidate = Math.Max(growth / shape.Candidates, 0.75 * _bytesPerCandidate);
        if (shape.PromptTokens > 0) _bytesPerPromptToken = Math.Max(_bytesPerPromptToken, growth / shape.PromptTokens);
        if (tokenBudget > 0 && shape.PromptTokens > 0)
            _bytesPerAttentionCell = Math.Max(_bytesPerAttentionCell, growth / AttentionCells(shape, tokenBudget));
        if (shape.PromptTokens > 0) Volatile.Write(ref _measuredRounds, _measuredRounds + 1);
    }

    private int _measuredRounds;

    /// <summary>Whether a round's lists have been measured: until then a round's estimate is unknown.</summary>
    public bool Measured => Volatile.Read(ref _measuredRounds) > 0;

    /// <summary>
    /// The attention part's feature: the tokens of a full forward batch (the token budget, or all the round's prompt
    /// tokens where they are fewer) × the longest prompt, at most the budget.
    /// </summary>
    private static double AttentionCells(RoundShape shape, int tokenBudget) =>
        (double)Math.Min(tokenBudget, Math.Max(shape.PromptTokens, 1)) * Math.Min(shape.LongestPromptTokens, tokenBudget);

    /// <summary>
    /// The memory a round of <paramref name="shape"/> is expected to take over its start with forward batches of
    /// <paramref name="tokenBudget"/> tokens: the larger of what its prompt tokens and its attention cells take at the
    /// rates learned (0 before any round was measured).
    /// </summary>
    public double Estimate(RoundShape shape, int tokenBudget) =>
        Math.Max(_bytesPerPromptToken * shape.PromptTokens, _bytesPerAttentionCell * AttentionCells(shape, tokenBudget));

    /// <summary>
    /// Whether a round of <paramref name="shape"/> fits the memory left under <see cref="SoftShare"/> of the bound at
    /// the last plan, with its token budget lowered as far as <see cref="BudgetFor"/> may; always without a bound, never
    /// before a round was measured (the worker's first round under a bound is one request, to learn from).
    /// </summary>
    public bool Fits(RoundShape shape, int tokenBudget) =>
        LimitBytes is null || (Measured && Estimate(shape, Floor(shape, tokenBudget)) <= Volatile.Read(ref _headroom));

    /// <summary>
    /// The token budget a round of <paramref name="shape"/> ranks with: the largest, up to <paramref name="tokenBudget"/>
    /// (the plan's), whose estimate fits the memory left under <see cref="SoftShare"/> of the bound at the last plan, and
    /// not below the round's longest prompt (so that a prompt fits a forward batch); the plan's without a bound.
    /// </summary>
    public int BudgetFor(RoundShape shape, int tokenBudget)
    {
        long headroom = Volatile.Read(ref _headroom);
        if (LimitBytes is null || Estimate(shape, tokenBudget) <= headroom) return tokenBudget;
        int floor = Floor(shape, tokenBudget);
        int low = floor, high = tokenBudget;   // the estimate grows with the budget: the largest that fits, by halving
        while (low < high)
        {
            int mid = low + (high - low + 1) / 2;
            if (Estimate(shape, mid) <= headroom) low = mid;
            else high = mid - 1;
        }
        return low;
    }

    private static int Floor(RoundShape shape, int tokenBudget) => (int)Math.Clamp(shape.LongestPromptTokens, 1, Math.Max(1, tokenBudget));

    /// <summary>Whether a new request may enter the queue: always without a bound or when idle; not while over the bound and busy.</summary>
    /// <param name="busy">Requests are waiting or ranking.</param>
    public bool Admits(bool busy)
    {
        if (LimitBytes is not { } limit || !busy) return true;
        return Measure() <= HardShare * limit;
    }

    /// <summary>The resident memory, read at most once per measuring interval unless <paramref name="force"/>.</summary>
    private long Measure(bool force = false)
    {
        long now = Stopwatch.GetTimestamp();
        if (force || now - Interlocked.Read(ref _measuredAt) >= _measureEveryTicks)
        {
            Interlocked.Exchange(ref _lastResident, _resident());
            Interlocked.Exchange(ref _measuredAt, now);
        }
        return Interlocked.Read(ref _lastResident);
    }
}

/// <summary>How close the server is to its memory bound.</summary>
internal enum MemoryLevel
{
    /// <summary>Within 80% of the bound, or no bound.</summary>
    Normal,
    /// <summary>Between 80% and 95%: half-sized rounds.</summary>
    Near,
    /// <summary>Above 95% even after a trim: one request per round, new requests refused while busy.</summary>
    Over,
}

/// <summary>The size of one round.</summary>
/// <param name="MaxRequests">The most requests it takes from the queue.</param>
/// <param name="TokenBudget">The padded tokens per forward batch.</param>
/// <param name="Trimmed">The heap was trimmed before it.</param>
/// <param name="MaxCandidates">The most candidates it takes, from the memory a candidate took in the rounds before (a round takes at least one request whatever its size).</param>
internal sealed record RoundPlan(int MaxRequests, int TokenBudget, bool Trimmed, int MaxCandidates);

/// <summary>
/// What the memory bound knows of a round's lists before they are ranked: their candidates, their prompts' tokens
/// (the key/value caches hold them) and the longest prompt (the attention scores of a forward batch grow with it).
/// </summary>
/// <param name="Candidates">The candidates of every list.</param>
/// <param name="PromptTokens">The tokens of every list's prompt, estimated from its characters.</param>
/// <param name="LongestPromptTokens">The longest prompt's tokens, at most the model's positions (a longer list is ranked in windows).</param>
internal readonly record struct RoundShape(int Candidates, long PromptTokens, int LongestPromptTokens)
{
    /// <summary>
    /// Characters per token assumed for a prompt: Qwen2's tokenizer takes about 4 characters of English per token;
    /// 3 errs toward more tokens.
    /// </summary>
    public const double CharsPerToken = 3;

    /// <summary>Tokens a prompt spends per candidate besides its text: its label and separators (an estimate).</summary>
    public const int TokensPerCandidate = 8;

    /// <summary>Tokens of a prompt's instructions besides the query and the candidates (an estimate).</summary>
    public const int TokensPerPrompt = 64;

    /// <summary>The shape of one list, its prompt's tokens estimated from its characters; the longest at most <paramref name="maxPromptTokens"/>.</summary>
    public static RoundShape Of(RankingQuery query, int maxPromptTokens)
    {
        ArgumentNullException.ThrowIfNull(query);
        long chars = query.Context.Length;
        foreach (var candidate in query.Candidates) chars += candidate.Id.Length + candidate.Text.Length;
        long tokens = (long)Math.Ceiling(chars / CharsPerToken) + (long)TokensPerCandidate * query.Candidates.Count + TokensPerPrompt;
        return new RoundShape(query.Candidates.Count, tokens, (int)Math.Min(tokens, Math.Max(1, maxPromptTokens)));
    }

    /// <summary>Two rounds' lists together.</summary>
    public static RoundShape operator +(RoundShape a, RoundShape b) =>
        new(a.Candidates + b.Candidates, a.PromptTokens + b.PromptTokens, Math.Max(a.LongestPromptTokens, b.LongestPromptTokens));
}
