namespace IRanker.Datasets;

/// <summary>
/// A fictional LLM of the routing tasks: its name, its price in dollars per million tokens, and its quality (0..1)
/// per <see cref="QueryType"/> (indexed by the enum's value).
/// </summary>
internal sealed record MiniLlm(string Name, double PricePerMillion, double[] Quality)
{
    /// <summary>The ten LLMs; the most expensive sets the cost scale.</summary>
    public static IReadOnlyList<MiniLlm> All { get; } =
    [
        //                                    math  code  fact  creat summ  transl
        new("Orion-405B",       5.00, [0.95, 0.92, 0.93, 0.90, 0.90, 0.90]),
        new("Atlas-70B",        0.90, [0.85, 0.82, 0.88, 0.84, 0.86, 0.82]),
        new("Nimbus-34B",       0.80, [0.75, 0.70, 0.80, 0.78, 0.80, 0.74]),
        new("Forge-Coder-33B",  0.70, [0.62, 0.94, 0.55, 0.40, 0.55, 0.45]),
        new("Sage-Math-7B",     0.20, [0.90, 0.60, 0.50, 0.35, 0.50, 0.40]),
        new("Quill-13B",        0.30, [0.40, 0.35, 0.65, 0.92, 0.85, 0.60]),
        new("Polyglot-12B",     0.30, [0.45, 0.40, 0.70, 0.65, 0.70, 0.95]),
        new("Atlas-8B",         0.20, [0.55, 0.55, 0.68, 0.65, 0.70, 0.62]),
        new("Nimbus-7B",        0.15, [0.50, 0.48, 0.62, 0.60, 0.65, 0.58]),
        new("Swift-3B",         0.05, [0.35, 0.30, 0.50, 0.50, 0.58, 0.45]),
    ];

    public static double MaxPrice { get; } = All.Max(m => m.PricePerMillion);

    /// <summary>Price scaled to 0..1 by the most expensive LLM.</summary>
    public double Cost => PricePerMillion / MaxPrice;

    /// <summary>"Sage-Math-7B: $0.20 per 1M tokens; strong at math; weak at creative writing and translation."</summary>
    public string Description()
    {
        var strong = Kinds(q => q >= 0.85);
        var weak = Kinds(q => q < 0.5);
        var text = $"{Name}: ${PricePerMillion:0.00} per 1M tokens";
        text += strong.Count > 0 ? $"; strong at {Join(strong)}" : "; solid all-rounder";
        if (weak.Count > 0) text += $"; weak at {Join(weak)}";
        return text + ".";
    }

    /// <summary>
    /// Version 2: "Sage-Math-7B: $0.0002 per 1K tokens; strengths: math; weaknesses: creative writing, translation."
    /// The price per thousand tokens has leading zeros and the lists no "and", so no token of a description occurs in a
    /// request (in <see cref="Description"/> the price's digits and the word "and" matched arithmetic and story requests,
    /// which gave BM25 an edge the paper's routing data does not have).
    /// </summary>
    public string CalibratedDescription()
    {
        var strong = Kinds(q => q >= 0.85);
        var weak = Kinds(q => q < 0.5);
        var text = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Name}: ${PricePerMillion / 1000:0.#####} per 1K tokens");
        if (strong.Count > 0) text += $"; strengths: {string.Join(", ", strong)}";
        if (weak.Count > 0) text += $"; weaknesses: {string.Join(", ", weak)}";
        if (strong.Count + weak.Count == 0) text += "; all-rounder";
        return text + ".";
    }

    private List<string> Kinds(Func<double, bool> keep) =>
        Enum.GetValues<QueryType>().Where(t => keep(Quality[(int)t])).Select(KindName).ToList();

    private static string Join(List<string> items) =>
        items.Count == 1 ? items[0] : string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1];

    internal static string KindName(QueryType type) => type switch
    {
        QueryType.Math => "math",
        QueryType.Coding => "coding",
        QueryType.Factual => "factual questions",
        QueryType.Creative => "creative writing",
        QueryType.Summary => "summaries",
        QueryType.Translation => "translation",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
