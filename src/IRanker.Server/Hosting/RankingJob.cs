using System.Diagnostics;
using IRanker.Model;
namespace IRanker.Server.Hosting;

/// <summary>One request's list waiting for, or inside, an engine call.</summary>
internal sealed class RankingJob(RankingQuery query, DecodingMode mode, CancellationToken cancellation)
{
    private readonly TaskCompletionSource<RankingResult> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RankingQuery Query { get; } = query;

    public DecodingMode Mode { get; } = mode;

    /// <summary>Cancelled when the client disconnects.</summary>
    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>When the job entered the queue (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public long EnqueuedAt { get; } = Stopwatch.GetTimestamp();

    /// <summary>The ranking; cancelled when the client left or the server stopped first.</summary>
    public Task<RankingResult> Result => _done.Task;

    public void Complete(RankingResult result) => _done.TrySetResult(result);

    public void Cancel() => _done.TrySetCanceled();

    public void Fail(Exception error) => _done.TrySetException(error);
}
