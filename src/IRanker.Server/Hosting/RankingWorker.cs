using System.Diagnostics;
using IRanker.Model;
using IRanker.Server.Metrics;

namespace IRanker.Server.Hosting;

/// <summary>
/// Loads the model once, runs a warm-up ranking, then drains the queue: each round takes every job waiting (up to
/// <see cref="ServerOptions.MaxBatchRequests"/>, or one with batching off) and ranks them in one engine call per
/// decoding mode, so concurrent requests share forward batches.
/// </summary>
/// <remarks>
/// Cancellation: a job whose client left before its round is dropped without a model call; a round whose clients
/// have all left is cancelled between elimination steps. Stopping the host cancels the running round and every
/// queued job (the web server has first let in-flight requests finish, within the shutdown timeout).
/// </remarks>
internal sealed partial class RankingWorker(
    RankingService service, IRankingBackendLoader loader, ServerMetrics metrics, IHostApplicationLifetime lifetime, ILogger<RankingWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backend = await LoadAsync(stoppingToken).ConfigureAwait(false);
        if (backend is null) return;
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
            while (service.Queue.TryRead(out var job)) job.Cancel();
            backend.Dispose();
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
            backend = await Task.Run(() => loader.Load(options), stoppingToken).ConfigureAwait(false);
            var warmUp = new RankingQuery("warm-up", [new("passage 1", "a first warm-up candidate"), new("passage 2", "a second warm-up candidate")],
                options.Scenario, options.Task, "warm-up");
            var loaded = backend;
            await Task.Run(() => loaded.Rank([warmUp], loaded.DefaultMode, stoppingToken), stoppingToken).ConfigureAwait(false);
            service.MarkReady(backend);
            LogReady(backend.Description, clock.Elapsed.TotalSeconds, options.Batching ? options.MaxBatchRequests : 1, options.QueueCapacity);
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
        while (await service.Queue.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
        {
            round.Clear();
            while (round.Count < maxJobs && service.Queue.TryRead(out var job))
            {
                if (job.Cancellation.IsCancellationRequested)
                {
                    job.Cancel();
                    metrics.Cancelled("queued", 1);
                    continue;
                }
                round.Add(job);
            }
            foreach (var group in round.GroupBy(j => j.Mode))
                await RankTogetherAsync(backend, group.Key, group.ToList(), stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task RankTogetherAsync(IRankingBackend backend, DecodingMode mode, List<RankingJob> jobs, CancellationToken stoppingToken)
    {
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
        try
        {
            var run = await Task.Run(() => backend.Rank(queries, mode, call.Token), CancellationToken.None).ConfigureAwait(false);
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
            foreach (var registration in registrations) registration.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model ready: {Model}; loaded and warmed up in {Seconds:F1} s; up to {MaxJobs} requests per engine call, queue of {Capacity}.")]
    private partial void LogReady(string model, double seconds, int maxJobs, int capacity);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The model '{Path}' could not be loaded; the server stops.")]
    private partial void LogLoadFailed(Exception error, string? path);

    [LoggerMessage(Level = LogLevel.Information, Message = "A round of {Jobs} requests was cancelled: {Reason}.")]
    private partial void LogRoundCancelled(int jobs, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Ranking a round of {Jobs} requests ({Candidates} candidates, {Mode} mode) failed.")]
    private partial void LogRoundFailed(Exception error, int jobs, int candidates, DecodingMode mode);
}
