using IRanker.Model;
using IRanker.Model.Elimination;
using IRanker.Model.Step;

namespace IRanker.Server.Hosting;

/// <summary>
/// What the server ranks with: the loaded model behind one call per batch. Calls come from the one ranking worker,
/// one at a time, so a backend need not be thread-safe.
/// </summary>
internal interface IRankingBackend : IDisposable
{
    /// <summary>The decoding mode the model ranks with when a request names none (the mode it was trained for).</summary>
    DecodingMode DefaultMode { get; }

    /// <summary>The elimination schedule the model ranks with (its saved inference setting).</summary>
    EliminationSchedule DefaultSchedule { get; }

    /// <summary>The padded tokens per forward batch of a full round.</summary>
    int TokenBudget { get; }

    /// <summary>The longest prompt the model ranks in one piece (its positions): a longer list is ranked in windows.</summary>
    int MaxPromptTokens => int.MaxValue;

    /// <summary>One line about the model, for the log and the readiness probe.</summary>
    string Description { get; }

    /// <summary>Ranks every query in one engine call; results in the order of <paramref name="queries"/>.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    BackendRun Rank(IReadOnlyList<RankingQuery> queries, RankSettings settings, CancellationToken cancellationToken);
}

/// <summary>How one engine call ranks: the decoding mode, the elimination schedule and the forward batches' token budget.</summary>
internal sealed record RankSettings(DecodingMode Mode, EliminationSchedule Schedule, int TokenBudget);

/// <summary>The results of one engine call and what it cost.</summary>
internal sealed record BackendRun(IReadOnlyList<RankingResult> Results, InferenceCounters Counters);

/// <summary>Loads the backend named by the settings (the server's model, or a test's stand-in).</summary>
internal interface IRankingBackendLoader
{
    /// <summary>Loads the model; called once, at start-up, off the request path.</summary>
    IRankingBackend Load(ServerOptions options);
}
