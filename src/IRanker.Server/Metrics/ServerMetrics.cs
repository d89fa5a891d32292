using System.Collections.Concurrent;
using System.Diagnostics;
using IRanker.Model.Step;
using IRanker.Server.Hosting;

namespace IRanker.Server.Metrics;

/// <summary>
/// The server's counters, gauges and histograms, exposed at <c>GET /metrics</c> in Prometheus' text format
/// (docs/serving.md lists them). Every method is thread-safe.
/// </summary>
internal sealed class ServerMetrics
{
    private static readonly double[] SecondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
    private static readonly double[] RequestsBuckets = [1, 2, 4, 8, 16, 32, 64, 128];
    private static readonly double[] CandidatesBuckets = [2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000];

    private readonly ConcurrentDictionary<(string Route, string Method, int Status), long> _requests = new();
    private readonly ConcurrentDictionary<string, Histogram> _durations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _rejected = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _cancelled = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _trims = new(StringComparer.Ordinal);
    private readonly Histogram _queueWait = new(SecondsBuckets);
    private readonly Histogram _engineSeconds = new(SecondsBuckets);
    private readonly Histogram _batchRequests = new(RequestsBuckets);
    private readonly Histogram _batchCandidates = new(CandidatesBuckets);
    private long _inFlight, _engineCalls, _forwardBatches, _promptTokens, _reusedTokens, _choiceTokens, _generatedTokens;

    /// <summary>Reads the number of queued requests.</summary>
    public Func<int> QueueDepth { get; set; } = () => 0;

    /// <summary>The queue's capacity.</summary>
    public int QueueCapacity { get; set; }

    /// <summary>Reads the bytes of text the queued requests hold.</summary>
    public Func<long> QueueBytes { get; set; } = () => 0;

    /// <summary>The most bytes of text the queued requests may hold.</summary>
    public long QueueBytesLimit { get; set; }

    /// <summary>The memory bound, for its gauges; null until the ranking service exists.</summary>
    public MemoryBound? Memory { get; set; }

    /// <summary>Reads whether the model is ready.</summary>
    public Func<bool> Ready { get; set; } = () => false;

    /// <summary>One finished HTTP request; <paramref name="route"/> is the endpoint's pattern, never the raw path.</summary>
    public void Request(string route, string method, int status, TimeSpan elapsed)
    {
        _requests.AddOrUpdate((route, method, status), 1, (_, n) => n + 1);
        _durations.GetOrAdd(route, _ => new Histogram(SecondsBuckets)).Observe(elapsed.TotalSeconds);
    }

    /// <summary>A request refused before ranking (<c>queue_full</c>, <c>queue_bytes</c>, <c>stopping</c>, <c>memory</c>).</summary>
    public void Rejected(string reason) => _rejected.AddOrUpdate(reason, 1, (_, n) => n + 1);

    /// <summary>Jobs dropped because their clients left: <c>queued</c> (before a model call) or <c>running</c> (round cancelled).</summary>
    public void Cancelled(string stage, int jobs) => _cancelled.AddOrUpdate(stage, jobs, (_, n) => n + jobs);

    /// <summary>The native heap's free memory was given back to the kernel: <c>idle</c> (no requests for a second) or <c>bound</c> (near <c>MaxMemoryMB</c>).</summary>
    public void Trimmed(string reason) => _trims.AddOrUpdate(reason, 1, (_, n) => n + 1);

    /// <summary>How long a job waited in the queue.</summary>
    public void QueueWait(TimeSpan waited) => _queueWait.Observe(waited.TotalSeconds);

    /// <summary>Jobs entering (positive) or leaving (negative) an engine call.</summary>
    public void InFlight(int delta) => Interlocked.Add(ref _inFlight, delta);

    /// <summary>One engine call: how many requests and candidates it ranked, what it computed, how long it took.</summary>
    public void EngineCall(int requests, int candidates, InferenceCounters counters, TimeSpan elapsed)
    {
        Interlocked.Increment(ref _engineCalls);
        _batchRequests.Observe(requests);
        _batchCandidates.Observe(candidates);
        _engineSeconds.Observe(elapsed.TotalSeconds);
        Interlocked.Add(ref _forwardBatches, counters.ForwardBatches);
        Interlocked.Add(ref _promptTokens, counters.ComputedPromptTokens);
        Interlocked.Add(ref _reusedTokens, counters.ReusedTokens);
        Interlocked.Add(ref _choiceTokens, counters.ChoiceTokens);
        Interlocked.Add(ref _generatedTokens, counters.GeneratedTokens);
    }

    /// <summary>Every metric in Prometheus' text format.</summary>
    public string Exposition()
    {
        var text = new PrometheusText();
        text.Family("iranker_http_requests_total", "counter", "HTTP requests by route, method and status (499: the client closed the connection first).");
        foreach (var ((route, method, status), n) in _requests.OrderBy(e => e.Key.Route, StringComparer.Ordinal).ThenBy(e => e.Key.Method, StringComparer.Ordinal).ThenBy(e => e.Key.Status))
            text.Sample("iranker_http_requests_total", n, ("route", route), ("method", method), ("status", status.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        text.Family("iranker_http_request_duration_seconds", "histogram", "HTTP request latency by route.");
        foreach (var (route, histogram) in _durations.OrderBy(e => e.Key, StringComparer.Ordinal))
            text.Histogram("iranker_http_request_duration_seconds", histogram, ("route", route));

        text.Family("iranker_model_ready", "gauge", "1 once the model is loaded and warmed up.");
        text.Sample("iranker_model_ready", Ready() ? 1 : 0);
        text.Family("iranker_queue_depth", "gauge", "Requests waiting for the model.");
        text.Sample("iranker_queue_depth", QueueDepth());
        text.Family("iranker_queue_capacity", "gauge", "The most requests that may wait.");
        text.Sample("iranker_queue_capacity", QueueCapacity);
        text.Family("iranker_queue_bytes", "gauge", "Bytes of text the waiting requests hold (2 per character of queries, documents and IDs, 128 per document).");
        text.Sample("iranker_queue_bytes", QueueBytes());
        text.Family("iranker_queue_bytes_limit", "gauge", "The most bytes of text the waiting requests may hold (QueueBytes); an empty queue still takes one larger request.");
        text.Sample("iranker_queue_bytes_limit", QueueBytesLimit);
        text.Family("iranker_inflight_requests", "gauge", "Requests inside an engine call.");
        text.Sample("iranker_inflight_requests", Interlocked.Read(ref _inFlight));
        text.Family("iranker_rejected_total", "counter", "Requests refused before ranking, by reason.");
        foreach (var (reason, n) in _rejected.OrderBy(e => e.Key, StringComparer.Ordinal)) text.Sample("iranker_rejected_total", n, ("reason", reason));
        text.Family("iranker_cancelled_total", "counter", "Requests whose ranking was dropped because the client left, by stage.");
        foreach (var (stage, n) in _cancelled.OrderBy(e => e.Key, StringComparer.Ordinal)) text.Sample("iranker_cancelled_total", n, ("stage", stage));
        text.Family("iranker_queue_wait_seconds", "histogram", "Time from entering the queue to the start of the engine call.");
        text.Histogram("iranker_queue_wait_seconds", _queueWait);

        text.Family("iranker_engine_calls_total", "counter", "Engine calls (rounds of batched requests).");
        text.Sample("iranker_engine_calls_total", Interlocked.Read(ref _engineCalls));
        text.Family("iranker_engine_call_seconds", "histogram", "Duration of one engine call.");
        text.Histogram("iranker_engine_call_seconds", _engineSeconds);
        text.Family("iranker_batch_requests", "histogram", "Requests ranked together in one engine call.");
        text.Histogram("iranker_batch_requests", _batchRequests);
        text.Family("iranker_batch_candidates", "histogram", "Candidates ranked in one engine call.");
        text.Histogram("iranker_batch_candidates", _batchCandidates);
        text.Family("iranker_forward_batches_total", "counter", "Forward passes over step prompts.");
        text.Sample("iranker_forward_batches_total", Interlocked.Read(ref _forwardBatches));
        text.Family("iranker_tokens_total", "counter", "Tokens by kind: prompt (run through the model), reused (taken from a list's prefix cache), choice (candidate IDs scored), generated.");
        text.Sample("iranker_tokens_total", Interlocked.Read(ref _promptTokens), ("kind", "prompt"));
        text.Sample("iranker_tokens_total", Interlocked.Read(ref _reusedTokens), ("kind", "reused"));
        text.Sample("iranker_tokens_total", Interlocked.Read(ref _choiceTokens), ("kind", "choice"));
        text.Sample("iranker_tokens_total", Interlocked.Read(ref _generatedTokens), ("kind", "generated"));

        using var process = Process.GetCurrentProcess();
        text.Family("process_resident_memory_bytes", "gauge", "Resident memory of the server process.");
        text.Sample("process_resident_memory_bytes", process.WorkingSet64);
        text.Family("dotnet_gc_heap_bytes", "gauge", "Bytes on the managed heap.");
        text.Sample("dotnet_gc_heap_bytes", GC.GetTotalMemory(forceFullCollection: false));
        text.Family("dotnet_gc_committed_bytes", "gauge", "Memory the .NET garbage collector has committed (the managed heap with its free space).");
        text.Sample("dotnet_gc_committed_bytes", GC.GetGCMemoryInfo().TotalCommittedBytes);
        if (NativeHeap.Statistics() is { } heap)
        {
            text.Family("iranker_native_heap_bytes", "gauge", "glibc's heap (libtorch's tensors), summed over its arenas: in_use (allocated), free (freed, kept for reuse until trimmed), mapped (blocks mapped on their own), system (taken from the kernel).");
            text.Sample("iranker_native_heap_bytes", heap.InUseBytes, ("state", "in_use"));
            text.Sample("iranker_native_heap_bytes", heap.FreeBytes, ("state", "free"));
            text.Sample("iranker_native_heap_bytes", heap.MappedBytes, ("state", "mapped"));
            text.Sample("iranker_native_heap_bytes", heap.SystemBytes, ("state", "system"));
            text.Family("iranker_native_arenas", "gauge", "glibc malloc arenas (one per thread that allocated, up to the arena cap).");
            text.Sample("iranker_native_arenas", heap.Arenas);
        }
        text.Family("iranker_native_trims_total", "counter", "Times the native heap's free memory was given back to the kernel, by reason: idle (no requests for a second), bound (near MaxMemoryMB).");
        foreach (var (reason, n) in _trims.OrderBy(e => e.Key, StringComparer.Ordinal)) text.Sample("iranker_native_trims_total", n, ("reason", reason));
        if (Memory is { LimitBytes: { } limit } memory)
        {
            text.Family("iranker_memory_limit_bytes", "gauge", "The memory bound (MaxMemoryMB).");
            text.Sample("iranker_memory_limit_bytes", limit);
            text.Family("iranker_memory_level", "gauge", "0: within 80% of the bound; 1: near it (half-sized rounds); 2: over 95% (one request per round, new requests refused while busy).");
            text.Sample("iranker_memory_level", (int)memory.Level);
        }
        return text.ToString();
    }
}
