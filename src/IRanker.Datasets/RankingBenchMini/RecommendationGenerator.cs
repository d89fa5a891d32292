using IRanker.Model;

namespace IRanker.Datasets;

/// <summary>
/// Recommendation lists: a user with two favourite genres, a history of 20 items drawn mostly from those genres,
/// 20 candidates by title.
/// </summary>
/// <remarks>
/// Labels: the positive (label 2) has both favourite genres (with probability <see cref="OffTasteProbability"/> only one,
/// as noise); other candidates get 1 when they share one favourite genre and 0 otherwise, and never have both.
/// Every item has exactly two genres, so the number of genres in a title says nothing about its label: with
/// single-genre items in the catalog (never a positive), "rank two-genre titles first" alone beat random, and a model
/// could score well by the length of a title's name instead of the user's taste.
/// </remarks>
internal sealed class RecommendationGenerator : ITaskGenerator
{
    public const int HistoryLength = 20;
    public const int CandidateCount = 20;
    public const double FavouriteShare = 0.6;
    public const double OffTasteProbability = 0.1;

    private const int ItemsPerGenrePair = 14;

    private readonly RecommendationDomain _domain;
    private readonly List<RecommendationItem> _catalog;
    private readonly bool _balancedNegatives;

    /// <param name="domain">The domain's genres and titles.</param>
    /// <param name="catalogSeed">Seed of the catalog.</param>
    /// <param name="balancedNegatives">
    /// Version 2: a negative with neither favourite genre is kept with probability (G − 4) / (G − 3) (G genres), so that
    /// each favourite genre is as common among the negatives as any other genre. Without it the favourites are rarer
    /// there (no negative has both), so the positive's genres are shared with fewer candidates than the others': ranking
    /// by the fewest words shared with the list beat chance by 3-5 points, and BM25 (whose IDF comes from the list) by up to 3.
    /// </param>
    public RecommendationGenerator(RecommendationDomain domain, int catalogSeed, bool balancedNegatives = false)
    {
        _domain = domain;
        _catalog = BuildCatalog(domain, new Random(catalogSeed));
        _balancedNegatives = balancedNegatives;
    }

    public string Task => _domain.Task;

    public RankingScenario Scenario => RankingScenario.Recommendation;

    public RankingQuery Generate(Random random, string queryId, IReadOnlySet<string> usedContexts)
    {
        int genreCount = _domain.Genres.Count;
        int first = random.Next(genreCount);
        int second = (first + 1 + random.Next(genreCount - 1)) % genreCount;
        bool IsFavourite(RecommendationItem item) => item.Has(first) || item.Has(second);
        bool HasBoth(RecommendationItem item) => item.Has(first) && item.Has(second);

        var favourites = _catalog.Where(IsFavourite).ToList();
        var used = new HashSet<RecommendationItem>();
        var history = new List<RecommendationItem>(HistoryLength);
        while (history.Count < HistoryLength)
        {
            var item = random.Chance(FavouriteShare) ? random.Pick(favourites) : random.Pick(_catalog);
            if (used.Add(item)) history.Add(item);
        }

        var positivePool = random.Chance(OffTasteProbability)
            ? favourites.Where(i => !HasBoth(i)).ToList()
            : favourites.Where(HasBoth).ToList();
        RecommendationItem positive;
        do positive = random.Pick(positivePool); while (!used.Add(positive));

        var candidates = new List<RankingCandidate>(CandidateCount) { Candidate(positive, 2) };
        while (candidates.Count < CandidateCount)
        {
            var item = random.Pick(_catalog);
            if (HasBoth(item)) continue;
            if (_balancedNegatives && !IsFavourite(item) && !random.Chance((genreCount - 4) / (double)(genreCount - 3))) continue;
            if (!used.Add(item)) continue;
            candidates.Add(Candidate(item, IsFavourite(item) ? 1 : 0));
        }
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(candidates));

        var context = string.Join('\n', history.Select(i => i.Title));
        return new RankingQuery(context, candidates, Scenario, Task, queryId);
    }

    private static RankingCandidate Candidate(RecommendationItem item, float label) => new(item.Title, item.Title, label);

    /// <summary>Every pair of genres gets the same number of items, in either genre order; names are unique.</summary>
    internal static List<RecommendationItem> BuildCatalog(RecommendationDomain domain, Random random)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var catalog = new List<RecommendationItem>();
        void Add(int a, int b)
        {
            string name;
            do name = domain.NewName(random); while (!names.Add(name));
            catalog.Add(new RecommendationItem(RecommendationDomain.Title(name, [domain.Genres[a], domain.Genres[b]]), [a, b]));
        }

        int count = domain.Genres.Count;
        for (int a = 0; a < count; a++)
            for (int b = a + 1; b < count; b++)
                for (int k = 0; k < ItemsPerGenrePair; k++)
                    if (random.Chance(0.5)) Add(a, b); else Add(b, a);
        return catalog;
    }
}
