using IRanker.Model;
using IRanker.Model.Elimination;
using IRanker.Server.Hosting;

namespace IRanker.Server.Api;

/// <summary>Hands a validated query to the ranking queue and waits for it, turning every way it can end into a response.</summary>
internal static class RankingCall
{
    /// <summary>The ranking, or the problem to answer with (not ready, queue full, memory bound, stopping); null for both when the client left.</summary>
    public static async Task<(RankingResult? Result, IResult? Problem)> RunAsync(HttpContext context, RankingService service, RankingQuery query, DecodingMode mode,
        EliminationSchedule schedule)
    {
        var options = service.Options;
        if (!service.IsReady) return (null, Problems.NotReady(service.Failure, options.RetryAfterSeconds));
        var aborted = context.RequestAborted;
        switch (service.TryRank(query, mode, schedule, aborted, out var pending))
        {
            case Admission.QueueFull: return (null, Problems.QueueFull(options.QueueCapacity, options.RetryAfterSeconds));
            case Admission.QueueBytesFull: return (null, Problems.QueueBytesFull(options.QueueBytes, RankingJob.TextBytesOf(query), options.RetryAfterSeconds));
            case Admission.MemoryFull: return (null, Problems.MemoryFull(options.MaxMemoryMB ?? 0, options.RetryAfterSeconds));
            case Admission.Stopping: return (null, Problems.Stopping(options.RetryAfterSeconds));
        }
        try
        {
            return (await pending.WaitAsync(aborted).ConfigureAwait(false), null);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return (null, null);   // the client left: nobody to answer
        }
        catch (OperationCanceledException)
        {
            return (null, Problems.Stopping(options.RetryAfterSeconds));   // cancelled by the server's shutdown
        }
    }
}
