using System.Diagnostics;
using IRanker.Model;
using IRanker.Model.Elimination;
using IRanker.Server.Metrics;

namespace IRanker.Server.Hosting;

/// <summary>
/// Loads the model once, runs a warm-up ranking, then drains the queue: each round takes every job waiting (up to
/// <see cref="ServerOptions.MaxBatchRequests"/>, or one with batching off) and ranks them in one engine call per
/// decoding mode, schedule and size class (<see cref="ServerOptions.ShortListDocuments"/>), so concurrent requests
/// share forward batches; the round's calls run shortest first (<see cref="PlanCalls"/>), and each job is answered when
/// its own call ends.
/// </summary>
/// <remarks>
/// <para>Memory: the model is loaded and every engine call runs on one thread (<see cref="ModelThread"/>), so the
/// native heap reuses one round's memory in the next; after a second without requests the heap's free memory goes back
/// to the kernel; and near
/// <see cref="ServerOptions.MaxMemoryMB"/> rounds shrink (<see cref="MemoryBound"/>).</para>
/// <para>
/// Cancellation: a job whose client left before its engine call is dropped without a model call; an engine call whose
/// clients have all left is cancelled between elimination steps. Stopping the host cancels the running round and every
/// queued job (the web server has first let in-flight requests finish, within the shutdown timeout).</para>
/// </remarks>
internal sealed partial class RankingWorker(
    RankingService service, IRankingBackendLoader loader, ServerMetrics metrics, IHostApplicationLifetime lifetime, ILogger<RankingWorker> logger)
    : BackgroundService
{
    /// <summary>How long the queue stays empty before the heap's free memory is given back to the kernel.</summary>
    private static readonly TimeSpan IdleTrimDelay = TimeSpan.FromSeconds(1);

    private readonly ModelThread _model = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backend = await LoadAsync(stoppingToken).ConfigureAwait(false);
        if (backend is null)
        {
            _model.Dispose();
            return;
        }
        try
        {
            await DrainAsync(backend, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host stopping.
        }
        finally
        {
            service.Complete();
            while (service.Queue.TryTake(out var job)) job.Cancel();   // gives back each job's place and bytes
            await _model.RunAsync(() =>
            {
                backend.Dispose();
                return true;
            }).ConfigureAwait(false);
            _model.Dispose();
        }
    }

    /// <summary>
    /// Takes no new jobs, lets the queued and running ones finish until <paramref name="cancellationToken"/> (the host's
    /// shutdown timeout) fires, then cancels what is left.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        service.Complete();
        if (ExecuteTask is { } running)
        {
            try
            {
                await running.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The shutdown timeout: cancel below.
            }
        }
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (ExecuteTask is { IsCompleted: false } cancelled)
        {
            // The engine sees the cancellation between elimination steps: give it a moment to return the
            // clients' cancellations and free the model before the host goes on.
            try
            {
                await cancelled.WaitAsync(CancelGrace).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // A step longer than the grace: the process ends anyway.
            }
        }
    }

    private static readonly TimeSpan CancelGrace = TimeSpan.FromSeconds(5);

    private async Task<IRankingBackend?> LoadAsync(CancellationToken stoppingToken)
    {
        var options = service.Options;
        IRankingBackend? backend = null;
        try
        {
            var clock = Stopwatch.StartNew();
            backend = await _model.RunAsync(() => loader.Load(options)).WaitAsync(stoppingToken).ConfigureAwait(false);
            var warmUp = new RankingQuery("warm-up", [new("passage 1", "a first warm-up candidate"), new("passage 2", "a second warm-up candidate")],
                options.Scenario, options.Task, "warm-up");
            var loaded = backend;
            await _model.RunAsync(() => loaded.Rank([warmUp], new RankSettings(loaded.DefaultMode, loaded.DefaultSchedule, loaded.TokenBudget), stoppingToken))
                .ConfigureAwait(false);
            service.MarkReady(backend);
            LogReady(backend.Description, clock.Elapsed.TotalSeconds, options.Batching ? options.MaxBatchRequests : 1, options.QueueCapacity, options.QueueBytes);
            return backend;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            backend?.Dispose();
            return null;
        }
        catch (Exception e)
        {
            backend?.Dispose();
            service.MarkFailed(e.Message);
            LogLoadFailed(e, options.Model);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
            return null;
        }
    }

    private async Task DrainAsync(IRankingBackend backend, CancellationToken stoppingToken)
    {
        int maxJobs = service.Options.Batching ? service.Options.MaxBatchRequests : 1;
        var round = new List<RankingJob>(maxJobs);
        bool trimmed = true;
        while (await WaitForWorkAsync(trimmed, stoppingToken).ConfigureAwait(false) is var work && work != Work.Closed)
        {
            if (work == Work.Idle)
            {
                // No request for a while: give the last rounds' free memory back to the kernel, once per idle spell.
                await _model.RunAsync(NativeHeap.Trim).ConfigureAwait(false);
                metrics.Trimmed("idle");
                trimmed = true;
                continue;
            }
            trimmed = false;
            var plan = service.Memory.PlanRound(maxJobs, backend.TokenBudget);
            if (plan.Trimmed) metrics.Trimmed("bound");
            bool bounded = service.Memory.LimitBytes is not null;
            long startBytes = bounded && NativeHeap.ResetPeak() ? NativeHeap.ResidentBytes() : 0;
            round.Clear();
            // The round takes jobs in queue order while its lists fit the memory left (at the lowest token budget the
            // bound may give them; where rounds cannot be measured, by the candidate cap alone), then ranks with the
            // largest budget they fit at (MemoryBound.BudgetFor).
            var shape = default(RoundShape);
            while (round.Count < plan.MaxRequests && service.Queue.TryPeek(out var next)
                   && (round.Count == 0
                       || (shape.Candidates + next.Query.Candidates.Count <= plan.MaxCandidates
                           && (startBytes == 0 || service.Memory.Fits(shape + RoundShape.Of(next.Query, backend.MaxPromptTokens), plan.TokenBudget))))
                   && service.Queue.TryTake(out var job))
            {
                if (job.Cancellation.IsCancellationRequested)
                {
                    job.Cancel();
                    metrics.Cancelled("queued", 1);
                    continue;
                }
                round.Add(job);
                shape += RoundShape.Of(job.Query, backend.MaxPromptTokens);
            }
            int tokenBudget = service.Memory.BudgetFor(shape, plan.TokenBudget);
            foreach (var call in PlanCalls(round, service.Options.ShortListDocuments))
            {
                // A client that left while an earlier call of its round ran costs no model call either.
                var jobs = call.Jobs.FindAll(j => !j.Cancellation.IsCancellationRequested);
                foreach (var left in call.Jobs.Where(j => !jobs.Contains(j))) left.Cancel();
                if (jobs.Count < call.Jobs.Count) metrics.Cancelled("queued", call.Jobs.Count - jobs.Count);
                if (jobs.Count > 0)
                    await RankTogetherAsync(backend, new RankSettings(call.Mode, call.Schedule, tokenBudget), jobs, stoppingToken).ConfigureAwait(false);
            }
            if (startBytes > 0)
            {
                long peakBytes = NativeHeap.PeakResidentBytes();
                service.Memory.RoundFinished(shape, tokenBudget, startBytes, peakBytes);
                LogRoundMemory(round.Count, shape.Candidates, shape.PromptTokens, shape.LongestPromptTokens, tokenBudget, startBytes >> 20, peakBytes >> 20);
            }
        }
    }

    /// <summary>
    /// Splits a round into engine calls: one per decoding mode, schedule and size class (lists of at most
    /// <paramref name="shortListDocuments"/> documents, and longer ones), each with its jobs in queue order. An engine
    /// call answers when its longest list is ranked, so the calls are ordered by their longest list, shortest first
    /// (ties in the queue order of their first jobs): a short request taken into a round with a long one is answered
    /// before the long one's call starts.
    /// </summary>
    internal static IReadOnlyList<EngineCall> PlanCalls(IEnumerable<RankingJob> round, int shortListDocuments) =>
        round.GroupBy(j => (j.Mode, j.Schedule, Short: j.Query.Candidates.Count <= shortListDocuments))
            .Select(g => new EngineCall(g.Key.Mode, g.Key.Schedule, g.ToList()))
            .OrderBy(c => c.Jobs.Max(j => j.Query.Candidates.Count))
            .ToList();

    /// <summary>The jobs of one engine call, in queue order, and the decoding mode and schedule they share.</summary>
    internal sealed record EngineCall(DecodingMode Mode, EliminationSchedule Schedule, List<RankingJob> Jobs);

    private enum Work { Ready, Idle, Closed }

    /// <summary>Waits for a job; after <see cref="IdleTrimDelay"/> without one, says so once (until the next round).</summary>
    private async Task<Work> WaitForWorkAsync(bool trimmed, CancellationToken stoppingToken)
    {
        if (trimmed || service.Queue.TryPeek(out _))
            return await service.Queue.WaitToReadAsync(stoppingToken).ConfigureAwait(false) ? Work.Ready : Work.Closed;
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        idle.CancelAfter(IdleTrimDelay);
        try
        {
            return await service.Queue.WaitToReadAsync(idle.Token).ConfigureAwait(false) ? Work.Ready : Work.Closed;
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return Work.Idle;
        }
    }

    private async Task RankTogetherAsync(IRankingBackend backend, RankSettings settings, List<RankingJob> jobs, CancellationToken stoppingToken)
    {
        var mode = settings.Mode;
        using var call = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        int waiting = jobs.Count;
        var registrations = jobs.Select(j => j.Cancellation.Register(() =>
        {
            if (Interlocked.Decrement(ref waiting) == 0) call.Cancel();
        })).ToList();
        var queries = jobs.Select(j => j.Query).ToArray();
        long started = Stopwatch.GetTimestamp();
        foreach (var job in jobs) metrics.QueueWait(Stopwatch.GetElapsedTime(job.EnqueuedAt, started));
        metrics.InFlight(jobs.Count);
        service.AddRunning(jobs.Count);
        try
        {
            var run = await _model.RunAsync(() => backend.Rank(queries, settings, call.Token)).ConfigureAwait(false);
            metrics.EngineCall(jobs.Count, queries.Sum(q => q.Candidates.Count), run.Counters, Stopwatch.GetElapsedTime(started));
            for (int i = 0; i < jobs.Count; i++) jobs[i].Complete(run.Results[i]);
        }
        catch (OperationCanceledException) when (call.IsCancellationRequested)
        {
            metrics.Cancelled("running", jobs.Count);
            foreach (var job in jobs) job.Cancel();
            LogRoundCancelled(jobs.Count, stoppingToken.IsCancellationRequested ? "the server is stopping" : "every client left");
        }
        catch (Exception e)
        {
            // Never the texts: only the shape of the round.
            LogRoundFailed(e, jobs.Count, queries.Sum(q => q.Candidates.Count), mode);
            foreach (var job in jobs) job.Fail(e);
        }
        finally
        {
            metrics.InFlight(-jobs.Count);
            service.AddRunning(-jobs.Count);
            foreach (var registration in registrations) registration.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model ready: {Model}; loaded and warmed up in {Seconds:F1} s; up to {MaxJobs} requests per engine call, queue of {Capacity} requests and {QueueBytes} bytes of text.")]
    private partial void LogReady(string model, double seconds, int maxJobs, int capacity, long queueBytes);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The model '{Path}' could not be loaded; the server stops.")]
    private partial void LogLoadFailed(Exception error, string? path);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Round of {Jobs} requests, {Candidates} candidates, about {PromptTokens} prompt tokens (longest {LongestPromptTokens}), token budget {TokenBudget}: {StartMiB} MiB at its start, {PeakMiB} MiB at its peak.")]
    private partial void LogRoundMemory(int jobs, int candidates, long promptTokens, int longestPromptTokens, int tokenBudget, long startMiB, long peakMiB);

    [LoggerMessage(Level = LogLevel.Information, Message = "A round of {Jobs} requests was cancelled: {Reason}.")]
    private partial void LogRoundCancelled(int jobs, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Ranking a round of {Jobs} requests ({Candidates} candidates, {Mode} mode) failed.")]
    private partial void LogRoundFailed(Exception error, int jobs, int candidates, DecodingMode mode);
}
