namespace IRanker.Model.Prompts;

/// <summary>
/// The template of sequential recommendation: the context is the user's history (one item per line, oldest first),
/// the candidates are items named by title, and the model names the item the user is least likely to pick next.
/// </summary>
/// <remarks>
/// <see cref="RankingQuery.Task"/> chooses the words: <c>Movie</c> (movies, watch), <c>Music</c> (music albums, buy),
/// <c>Game</c> (video games, buy); anything else speaks of items the user chooses.
/// </remarks>
/// <example>
/// <code>
/// var query = new RankingQuery("Heat (1995)\nToy Story (1995)", [new("Casino (1995)", "Casino (1995)"), new("Babe (1995)", "Babe (1995)")],
///     RankingScenario.Recommendation, Task: "Movie");
/// var prompt = new RecommendationPromptTemplate().BuildStep(query, [0, 1]);
/// </code>
/// </example>
public class RecommendationPromptTemplate : PromptTemplate
{
    /// <inheritdoc/>
    protected override string Context(RankingQuery query)
    {
        var (items, _, past) = Words(query.Task);
        return $"Here are the {items} a user {past}, in order, the most recent last:\n{query.Context.Trim()}";
    }

    /// <inheritdoc/>
    protected override string EliminationInstruction(RankingQuery query)
    {
        var (items, verb, _) = Words(query.Task);
        return $"Below are candidate {items}. Based on the user's history, find the ONE candidate the user is least likely " +
               $"to {verb} next, and answer with its full name exactly as it is written in the list.";
    }

    /// <inheritdoc/>
    protected override string DirectInstruction(RankingQuery query)
    {
        var (items, verb, _) = Words(query.Task);
        return $"Below are candidate {items}. Based on the user's history, order ALL of them from the one the user is most likely " +
               $"to {verb} next to the one the user is least likely to {verb} next. Write their full names exactly as they are " +
               "written in the list, separated by \" > \", most likely first.";
    }

    private static (string Items, string Verb, string Past) Words(string? task) => task?.Trim().ToLowerInvariant() switch
    {
        "movie" or "movies" => ("movies", "watch", "watched"),
        "music" => ("music albums", "buy", "bought"),
        "game" or "games" => ("video games", "buy", "bought"),
        _ => ("items", "choose", "chose"),
    };
}
