using IRanker.Model;
using IRanker.Model.Elimination;
using IRanker.Server.Metrics;
using Microsoft.Extensions.Options;

namespace IRanker.Server.Hosting;

/// <summary>
/// The front of the ranking pipeline: whether the model is ready, and the bounded queue that requests enter and the
/// <see cref="RankingWorker"/> drains (<see cref="RankingQueue"/>: at most <see cref="ServerOptions.QueueCapacity"/>
/// requests holding at most <see cref="ServerOptions.QueueBytes"/> of text). A full queue refuses at once; nothing
/// waits in unbounded memory.
/// </summary>
internal sealed class RankingService
{
    private readonly ServerMetrics _metrics;
    private volatile IRankingBackend? _backend;
    private volatile string? _failure;
    private volatile bool _closed;
    private int _running;

    public RankingService(IOptions<ServerOptions> options, ServerMetrics metrics)
    {
        Options = options.Value;
        ServerOptionsValidator.TryParseModes(Options.AllowedModes, out var allowed, out _);
        ConfiguredModes = allowed;
        ServerOptionsValidator.TryParseSchedule(Options.LongListSchedule, out var longList, out _);
        LongListSchedule = longList;
        Memory = new MemoryBound(Options.MaxMemoryMB * (1L << 20), NativeHeap.ResidentBytes, NativeHeap.Trim);
        metrics.Memory = Memory;
        _metrics = metrics;
        Queue = new RankingQueue(Options.QueueCapacity, Options.QueueBytes);
        metrics.QueueDepth = () => Queue.Count;
        metrics.QueueCapacity = Queue.Capacity;
        metrics.QueueBytes = () => Queue.Bytes;
        metrics.QueueBytesLimit = Queue.ByteLimit;
        metrics.Ready = () => IsReady;
    }

    public ServerOptions Options { get; }

    private IReadOnlySet<DecodingMode> ConfiguredModes { get; }

    /// <summary>The schedule of lists over <see cref="ServerOptions.LongListDocuments"/> in Choice mode.</summary>
    public EliminationSchedule LongListSchedule { get; }

    /// <summary>The memory bound (<see cref="ServerOptions.MaxMemoryMB"/>).</summary>
    public MemoryBound Memory { get; }

    /// <summary>Requests inside an engine call now (set by the worker).</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>Counts requests entering (positive) or leaving (negative) an engine call.</summary>
    public void AddRunning(int delta) => Interlocked.Add(ref _running, delta);

    /// <summary>
    /// The schedule a list of <paramref name="candidates"/> is ranked with in <paramref name="mode"/>: over
    /// <see cref="ServerOptions.LongListDocuments"/> in Choice mode, <see cref="LongListSchedule"/>; otherwise the
    /// model's own in Choice mode, and one elimination per step in the generating modes (the only one they support).
    /// </summary>
    public EliminationSchedule ScheduleFor(int candidates, DecodingMode mode) =>
        mode != DecodingMode.Choice ? EliminationSchedule.OnePerStep
        : candidates > Options.LongListDocuments ? LongListSchedule
        : _backend?.DefaultSchedule ?? EliminationSchedule.OnePerStep;

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

    /// <summary>The queue: the worker takes its jobs with <see cref="RankingQueue.TryTake"/>, the one way a job leaves it.</summary>
    public RankingQueue Queue { get; }

    public void MarkReady(IRankingBackend backend) => _backend = backend;

    public void MarkFailed(string reason) => _failure = reason;

    /// <summary>
    /// Queues <paramref name="query"/> for ranking, or answers at once when it has at most one candidate (no model call).
    /// </summary>
    /// <returns><see cref="Admission.Queued"/> with <paramref name="result"/> set, or why the job was refused.</returns>
    public Admission TryRank(RankingQuery query, DecodingMode mode, EliminationSchedule schedule, CancellationToken cancellationToken, out Task<RankingResult> result)
    {
        result = Task.FromResult(WithoutModel(query));
        if (query.Candidates.Count <= 1) return Admission.Queued;
        if (!_closed && !Memory.Admits(busy: Queue.Count > 0 || Running > 0))
        {
            _metrics.Rejected("memory");
            return Admission.MemoryFull;
        }
        var job = new RankingJob(query, mode, schedule, cancellationToken);
        var admission = Queue.TryAdd(job);
        switch (admission)
        {
            case Admission.Queued:
                result = job.Result;
                break;
            case Admission.QueueFull:
                _metrics.Rejected("queue_full");
                break;
            case Admission.QueueBytesFull:
                _metrics.Rejected("queue_bytes");
                break;
            default:
                _metrics.Rejected("stopping");
                break;
        }
        return admission;
    }

    /// <summary>Stops taking jobs; the worker finishes those already queued.</summary>
    public void Complete()
    {
        _closed = true;
        Queue.Complete();
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
    /// <summary>The queue holds <see cref="ServerOptions.QueueCapacity"/> requests: try again shortly.</summary>
    QueueFull,
    /// <summary>
    /// The request's text would take the waiting requests' text over <see cref="ServerOptions.QueueBytes"/>: try again
    /// shortly.
    /// </summary>
    QueueBytesFull,
    /// <summary>The server is stopping and takes no new work.</summary>
    Stopping,
    /// <summary>The server is at its memory bound with requests waiting or ranking: try again shortly.</summary>
    MemoryFull,
}
