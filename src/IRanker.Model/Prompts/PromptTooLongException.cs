using IRanker.Model.Elimination;

namespace IRanker.Model.Prompts;

/// <summary>
/// A list cannot be ranked because one of its forward passes would not fit the model or the token budget: it would need
/// more positions than the model's <c>max_position_embeddings</c>, or more tokens than
/// <see cref="RankerOptions.TokenBudget"/>. Either one candidate is too long even alone (<see cref="CandidateIndex"/> is
/// set), or the whole list is too long for one prompt (<see cref="CandidateIndex"/> is null).
/// </summary>
/// <remarks>
/// The check runs before any forward pass of the list, so an input too large fails with this error instead of running
/// past the model's trained positions or exhausting memory. Shorten the candidate's text, split the list into smaller
/// lists, or raise <see cref="RankerOptions.TokenBudget"/> where the model's positions allow it (docs/options.md).
/// </remarks>
/// <example>
/// <code>
/// try { results = ranker.Rank(queries); }
/// catch (PromptTooLongException e) when (e.CandidateIndex is int c)
/// {
///     Console.Error.WriteLine($"{e.QueryId}: candidate {e.CandidateId} needs {e.Positions} positions, the limit is {e.MaxPositions}.");
/// }
/// </code>
/// </example>
public sealed class PromptTooLongException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="subject">Which list ("Query 3 (QueryId 'x')").</param>
    /// <param name="detail">What is too long, by how much, and what to do.</param>
    /// <param name="fit">The numbers behind the message.</param>
    /// <param name="queryIndex">The query's index in the call.</param>
    /// <param name="queryId">The query's <see cref="RankingQuery.QueryId"/>.</param>
    /// <param name="candidateId">The ID of the candidate too long alone; null when the list as a whole is too long.</param>
    internal PromptTooLongException(string subject, string detail, PromptFit fit, int queryIndex, string? queryId, string? candidateId)
        : base($"{subject}: {detail}")
    {
        Detail = detail;
        QueryIndex = queryIndex;
        QueryId = queryId;
        CandidateIndex = fit.Candidate;
        CandidateId = candidateId;
        PromptTokens = fit.Pass.PromptTokens;
        Positions = fit.Pass.Positions;
        Tokens = fit.Pass.Tokens;
        MaxPositions = fit.Limit.MaxPositions;
        TokenBudget = fit.Limit.TokenBudget;
    }

    /// <summary>The same error for another subject (for example the ML.NET group and row instead of the query's index).</summary>
    internal PromptTooLongException(string subject, PromptTooLongException inner) : base($"{subject}: {inner.Detail}", inner)
    {
        Detail = inner.Detail;
        QueryIndex = inner.QueryIndex;
        QueryId = inner.QueryId;
        CandidateIndex = inner.CandidateIndex;
        CandidateId = inner.CandidateId;
        PromptTokens = inner.PromptTokens;
        Positions = inner.Positions;
        Tokens = inner.Tokens;
        MaxPositions = inner.MaxPositions;
        TokenBudget = inner.TokenBudget;
    }

    /// <summary>The message without the subject.</summary>
    internal string Detail { get; }

    /// <summary>The query's index in the list given to the ranker.</summary>
    public int QueryIndex { get; }

    /// <summary>The query's <see cref="RankingQuery.QueryId"/> (in ML.NET, the group).</summary>
    public string? QueryId { get; }

    /// <summary>The index of the candidate that does not fit even alone; null when only the whole list does not fit.</summary>
    public int? CandidateIndex { get; }

    /// <summary>That candidate's ID; null when only the whole list does not fit.</summary>
    public string? CandidateId { get; }

    /// <summary>Tokens of the prompt that does not fit (with that candidate alone, or with the whole list).</summary>
    public int PromptTokens { get; }

    /// <summary>Positions its forward pass would need (the prompt plus the longest answer or candidate-ID continuation).</summary>
    public int Positions { get; }

    /// <summary>Tokens its forward pass would run (the prompt, every candidate-ID continuation in Choice mode, and the tokens to generate).</summary>
    public int Tokens { get; }

    /// <summary>The model's <c>max_position_embeddings</c>.</summary>
    public int MaxPositions { get; }

    /// <summary>The ranker's <see cref="RankerOptions.TokenBudget"/>.</summary>
    public int TokenBudget { get; }
}
