namespace IRanker.Datasets;

/// <summary>
/// The word pools and genres of one recommendation task, and how an item title is written.
/// Titles carry their genres in brackets so that the genre signal is visible in the text.
/// </summary>
internal sealed class RecommendationDomain
{
    private static readonly string[] Adjectives =
    [
        "Silent", "Broken", "Golden", "Hidden", "Last", "Lost", "Dark", "Crimson", "Frozen", "Burning",
        "Quiet", "Wild", "Secret", "Distant", "Hollow", "Iron", "Silver", "Midnight", "Scarlet", "Bitter",
        "Endless", "Fallen", "Lonely", "Restless", "Savage", "Shattered", "Velvet", "Wicked", "Bright", "Cold",
        "Eternal", "Final", "Forgotten", "Gentle", "Grand", "Little", "Northern", "Pale", "Rising", "Stolen",
    ];

    private static readonly string[] Nouns =
    [
        "Harbor", "River", "Garden", "Kingdom", "Station", "Mirror", "Shadow", "Empire", "Horizon", "Island",
        "Letter", "Machine", "Mountain", "Ocean", "Promise", "Road", "Season", "Signal", "Storm", "Summer",
        "Valley", "Voyage", "Winter", "Witness", "Bridge", "City", "Crown", "Desert", "Dream", "Echo",
        "Forest", "Frontier", "Heart", "House", "Journey", "Legacy", "Moon", "Night", "Orchard", "Tide",
    ];

    internal static readonly string[] FirstNames =
    [
        "Nina", "Leo", "Maya", "Oscar", "Ivy", "Felix", "Clara", "Hugo", "Ruby", "Milo",
        "Elsa", "Jonah", "Lena", "Otis", "Vera", "Caleb", "Iris", "Rafael", "Stella", "Theo",
    ];

    internal static readonly string[] LastNames =
    [
        "Vale", "Stone", "Rivers", "Hart", "Frost", "Lane", "Marsh", "Bloom", "Cross", "Wolfe",
        "Reyes", "Quinn", "Adler", "Moss", "Keller", "Sloan", "Duval", "Okafor", "Lindqvist", "Ward",
    ];

    private static readonly string[] GameSuffixes =
    [
        "Tactics", "Legends", "Quest", "Rally", "Arena", "Saga", "Online", "Chronicles", "Tycoon", "Heroes", "Party", "Odyssey",
    ];

    private static readonly string[] Platforms = ["PC", "PS2", "PS4", "Xbox", "Xbox 360", "Switch", "Wii", "GameCube", "DS"];

    private readonly Func<Random, string> _name;

    private RecommendationDomain(string task, string[] genres, Func<Random, string> name)
    {
        Task = task;
        Genres = genres;
        _name = name;
    }

    public string Task { get; }

    public IReadOnlyList<string> Genres { get; }

    /// <summary>Movies: "Silent Harbor (1997) [Drama|Mystery]".</summary>
    public static RecommendationDomain Movie { get; } = new("Movie",
        ["Drama", "Comedy", "Action", "Thriller", "Horror", "Romance", "Sci-Fi", "Animation", "Documentary", "Western", "Mystery", "Crime"],
        r => $"{r.Pick(Adjectives)} {r.Pick(Nouns)} ({r.Next(1950, 2016)})");

    /// <summary>Albums: "Nina Vale - Golden Road [Jazz|Soul]".</summary>
    public static RecommendationDomain Music { get; } = new("Music",
        ["Rock", "Pop", "Jazz", "Blues", "Classical", "Country", "Folk", "Metal", "Electronic", "Hip-Hop", "Soul", "Reggae"],
        r => $"{r.Pick(FirstNames)} {r.Pick(LastNames)} - {r.Pick(Adjectives)} {r.Pick(Nouns)}");

    /// <summary>Games: "Iron Valley Tactics (PC) [Strategy|RPG]".</summary>
    public static RecommendationDomain Game { get; } = new("Game",
        ["Action", "Adventure", "RPG", "Strategy", "Puzzle", "Racing", "Sports", "Shooter", "Platformer", "Simulation", "Fighting", "Horror"],
        r => $"{r.Pick(Adjectives)} {r.Pick(Nouns)} {r.Pick(GameSuffixes)} ({r.Pick(Platforms)})");

    public string NewName(Random random) => _name(random);

    public static string Title(string name, IEnumerable<string> genres) => $"{name} [{string.Join('|', genres)}]";
}
