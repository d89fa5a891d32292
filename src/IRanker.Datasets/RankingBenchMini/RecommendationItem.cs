namespace IRanker.Datasets;

/// <summary>An item of a recommendation catalog: its title (with genres) and the indices of its genres.</summary>
internal sealed record RecommendationItem(string Title, int[] Genres)
{
    public bool Has(int genre) => Array.IndexOf(Genres, genre) >= 0;
}
