using System.Collections.Concurrent;
using IRanker.Model;
using IRanker.Model.Elimination;
using IRanker.Model.Step;
using IRanker.Server.Hosting;

namespace IRanker.Server.Tests.Support;

/// <summary>
/// A backend that ranks every list in input order and records each call, and that can be held: while
/// <see cref="Hold"/> is on, a call waits (cancellably) until <see cref="Release"/>; after
/// <see cref="HoldCallsOver"/>, a call with a list over that many documents also waits until
/// <see cref="ReleaseLongCalls"/>. Tests use it to fill the queue, to see what was batched and in which order, and to
/// watch cancellation, deterministically.
/// </summary>
internal sealed class StandInBackend : IRankingBackend, IRankingBackendLoader
{
    private readonly ManualResetEventSlim _open = new(true);
    private readonly ManualResetEventSlim _longOpen = new(true);
    private int _longDocuments = int.MaxValue;
    private readonly SemaphoreSlim _entered = new(0);

    public ConcurrentQueue<IReadOnlyList<string>> Calls { get; } = new();

    public ConcurrentQueue<string> Cancelled { get; } = new();

    /// <summary>The settings of each call, in the order of <see cref="Calls"/>.</summary>
    public ConcurrentQueue<RankSettings> Settings { get; } = new();

    /// <summary>The documents of each list of each call, in the order of <see cref="Calls"/>.</summary>
    public ConcurrentQueue<IReadOnlyList<int>> Documents { get; } = new();

    /// <summary>Held while loading too, so readiness can be watched.</summary>
    public ManualResetEventSlim LoadGate { get; } = new(true);

    public DecodingMode DefaultMode => DecodingMode.Choice;

    public EliminationSchedule DefaultSchedule => EliminationSchedule.OnePerStep;

    public int TokenBudget => 16_384;

    public string Description => "stand-in";

    public void Hold() => _open.Reset();

    public void Release() => _open.Set();

    /// <summary>From now on, a call with a list of more than <paramref name="documents"/> documents waits (cancellably) until <see cref="ReleaseLongCalls"/>.</summary>
    public void HoldCallsOver(int documents)
    {
        Volatile.Write(ref _longDocuments, documents);
        _longOpen.Reset();
    }

    public void ReleaseLongCalls() => _longOpen.Set();

    /// <summary>
    /// A ready client of <paramref name="factory"/>'s server (which runs on this backend) once its warm-up ranking has
    /// entered <see cref="Rank"/>; the calls after it are held until <see cref="Release"/>.
    /// </summary>
    public async Task<HttpClient> HeldClientAsync(ServerFactory factory, TimeSpan timeout)
    {
        var client = await factory.ReadyClientAsync();
        (await EnteredAsync(timeout)).Should().BeTrue("the warm-up ranking runs at start-up");
        Hold();
        return client;
    }

    /// <summary>Waits until a call (the warm-up counts) has entered <see cref="Rank"/>.</summary>
    public Task<bool> EnteredAsync(TimeSpan timeout) => _entered.WaitAsync(timeout);

    public IRankingBackend Load(ServerOptions options)
    {
        LoadGate.Wait(TimeSpan.FromSeconds(30));
        return this;
    }

    public BackendRun Rank(IReadOnlyList<RankingQuery> queries, RankSettings settings, CancellationToken cancellationToken)
    {
        Settings.Enqueue(settings);
        Documents.Enqueue(queries.Select(q => q.Candidates.Count).ToArray());
        Calls.Enqueue(queries.Select(q => q.Context).ToArray());
        _entered.Release();
        try
        {
            _open.Wait(cancellationToken);
            if (queries.Any(q => q.Candidates.Count > Volatile.Read(ref _longDocuments))) _longOpen.Wait(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            foreach (var query in queries) Cancelled.Enqueue(query.Context);
            throw;
        }
        var results = queries.Select(q => new RankingResult(q, Enumerable.Range(0, q.Candidates.Count).ToArray(),
            Enumerable.Range(0, q.Candidates.Count).Reverse().Select((c, step) => new EliminationStep(step, c, "", AnswerMatch.Choice, 0.5f)).ToArray())).ToArray();
        return new BackendRun(results, InferenceCounters.Zero with { ForwardBatches = 1, PromptTokens = 10 * queries.Count });
    }

    public void Dispose()
    {
    }
}
