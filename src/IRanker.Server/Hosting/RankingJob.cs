using System.Diagnostics;
using IRanker.Model;
using IRanker.Model.Elimination;
namespace IRanker.Server.Hosting;

/// <summary>One request's list waiting for, or inside, an engine call.</summary>
internal sealed class RankingJob(RankingQuery query, DecodingMode mode, EliminationSchedule schedule, CancellationToken cancellation)
{
    private readonly TaskCompletionSource<RankingResult> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RankingQuery Query { get; } = query;

    public DecodingMode Mode { get; } = mode;

    /// <summary>The elimination schedule it is ranked with (<see cref="RankingService.ScheduleFor"/>).</summary>
    public EliminationSchedule Schedule { get; } = schedule;

    /// <summary>Cancelled when the client disconnects.</summary>
    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>
    /// What the job counts against <see cref="ServerOptions.QueueBytes"/> while it waits: <see cref="TextBytesOf"/> its
    /// query, computed once.
    /// </summary>
    public long TextBytes { get; } = TextBytesOf(query);

    /// <summary>When the job entered the queue (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public long EnqueuedAt { get; } = Stopwatch.GetTimestamp();

    /// <summary>The ranking; cancelled when the client left or the server stopped first.</summary>
    public Task<RankingResult> Result => _done.Task;

    public void Complete(RankingResult result) => _done.TrySetResult(result);

    public void Cancel() => _done.TrySetCanceled();

    public void Fail(Exception error) => _done.TrySetException(error);

    /// <summary>
    /// What a document holds besides the characters of its text and ID: its candidate object, its place in the list and
    /// the headers of its two strings, 100 to 115 bytes on 64-bit .NET 10 (measured), rounded up.
    /// </summary>
    public const int DocumentOverheadBytes = 128;

    /// <summary>
    /// The bytes of text a query holds in memory: 2 bytes per character (UTF-16) of its context and of each candidate's
    /// text and ID, and <see cref="DocumentOverheadBytes"/> per candidate.
    /// </summary>
    public static long TextBytesOf(RankingQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        long chars = query.Context.Length;
        foreach (var candidate in query.Candidates) chars += candidate.Id.Length + candidate.Text.Length;
        return 2 * chars + (long)DocumentOverheadBytes * query.Candidates.Count;
    }
}
