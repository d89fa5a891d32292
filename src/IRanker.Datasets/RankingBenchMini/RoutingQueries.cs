namespace IRanker.Datasets;

/// <summary>Writes a user request of a given <see cref="QueryType"/> from templates and small word pools.</summary>
internal static class RoutingQueries
{
    private static readonly string[] CodeTasks =
    [
        "reverses a string", "sorts a list of numbers", "counts the vowels in a word", "removes duplicate items",
        "finds the largest value", "parses a date", "merges two sorted lists", "checks for a palindrome",
        "reads a CSV file", "validates an email address", "computes a running average", "splits text into words",
    ];

    private static readonly string[] Languages = ["Python", "JavaScript", "C#", "Java", "Go", "Rust"];
    private static readonly string[] Countries = [
        "France", "Japan", "Brazil", "Kenya", "Canada", "Norway", "Egypt", "Chile", "India", "Spain",
        "Peru", "Ghana", "Poland", "Vietnam", "Mexico", "Greece", "Nepal", "Morocco", "Sweden", "Argentina",
        "Italy", "Turkey", "Chad", "Ireland", "Portugal", "Thailand", "Jamaica", "Iceland", "Cuba", "Finland",
    ];
    private static readonly string[] Inventions = ["telephone", "light bulb", "printing press", "steam engine", "radio", "bicycle", "telescope", "compass"];
    private static readonly string[] Planets = ["Mars", "Jupiter", "Saturn", "Neptune", "Uranus"];
    private static readonly string[] Themes = [
        "the sea", "autumn rain", "a lost key", "city lights", "an old friend", "the first snow",
        "a quiet library", "a summer storm", "the night train", "a paper boat", "the mountain wind", "a broken clock",
        "a distant lighthouse", "the last bus home", "a garden at dawn", "an empty stadium",
    ];
    private static readonly string[] Animals = ["fox", "turtle", "dragon", "robot", "penguin", "owl", "whale", "squirrel"];
    private static readonly string[] Shops = ["bakery", "bike shop", "bookstore", "coffee bar", "flower shop", "pet store", "barber shop", "ice cream stand"];
    private static readonly string[] Reports = [
        "climate change", "the city budget", "electric cars", "remote work", "school lunches", "ocean plastic",
        "housing prices", "public transport", "online privacy", "sleep research", "farm subsidies", "space travel",
        "water shortages", "video game sales", "bird migration", "minimum wages", "wind farms", "youth sports",
    ];
    private static readonly string[] Phrases = [
        "good morning", "where is the station", "thank you very much", "the bill please", "I am lost", "see you tomorrow",
        "how much does this cost", "I need a doctor", "what time is it", "nice to meet you", "a table for two", "where is the toilet",
    ];
    private static readonly string[] SpokenLanguages = ["French", "Spanish", "German", "Italian", "Japanese", "Portuguese", "Dutch", "Korean"];

    /// <summary>
    /// The type of a request that <see cref="Write"/> wrote, read back from its template's fixed words; null for any
    /// other text. Each template opens (or, for coding, is worded) in a way no other type's template is.
    /// </summary>
    public static QueryType? TypeOf(string request) => request switch
    {
        _ when request.StartsWith("Solve for x", StringComparison.Ordinal) || request.StartsWith("A shop sells", StringComparison.Ordinal)
            || request.StartsWith("What is the square root", StringComparison.Ordinal) || request.StartsWith("Compute the sum", StringComparison.Ordinal)
            || System.Text.RegularExpressions.Regex.IsMatch(request, @"^What is \d+ times") => QueryType.Math,
        _ when request.Contains(" function that ", StringComparison.Ordinal) || request.StartsWith("Fix the bug", StringComparison.Ordinal)
            || request.StartsWith("Explain step by step how code", StringComparison.Ordinal) => QueryType.Coding,
        _ when request.StartsWith("What is the capital", StringComparison.Ordinal) || request.StartsWith("Who invented", StringComparison.Ordinal)
            || request.StartsWith("How many moons", StringComparison.Ordinal) || request.StartsWith("What currency", StringComparison.Ordinal)
            || request.StartsWith("Name three famous cities", StringComparison.Ordinal) || request.StartsWith("What is the official language", StringComparison.Ordinal)
            || request.StartsWith("What is the highest mountain", StringComparison.Ordinal) => QueryType.Factual,
        _ when request.StartsWith("Write a short poem", StringComparison.Ordinal) || request.StartsWith("Tell a bedtime story", StringComparison.Ordinal)
            || request.StartsWith("Write a funny slogan", StringComparison.Ordinal) => QueryType.Creative,
        _ when request.StartsWith("Summarize", StringComparison.Ordinal) || request.StartsWith("Give a one sentence summary", StringComparison.Ordinal)
            || request.StartsWith("List the three key findings", StringComparison.Ordinal) => QueryType.Summary,
        _ when request.StartsWith("Translate", StringComparison.Ordinal) || request.StartsWith("How do you say", StringComparison.Ordinal) => QueryType.Translation,
        _ => null,
    };

    public static string Write(QueryType type, Random r) => type switch
    {
        QueryType.Math => r.Next(5) switch
        {
            0 => $"What is {r.Next(11, 99)} times {r.Next(11, 99)}?",
            1 => $"Solve for x: {r.Next(2, 9)}x + {r.Next(1, 50)} = {r.Next(50, 99)}.",
            2 => $"A shop sells {r.Next(3, 30)} apples at {r.Next(2, 9)} dollars each; what is the total cost?",
            3 => $"What is the square root of {r.Next(4, 30) * r.Next(4, 30)}?",
            _ => $"Compute the sum of the first {r.Next(5, 60)} odd numbers.",
        },
        QueryType.Coding => r.Next(3) switch
        {
            0 => $"Write a {r.Pick(Languages)} function that {r.Pick(CodeTasks)}.",
            1 => $"Fix the bug in this {r.Pick(Languages)} loop that {r.Pick(CodeTasks)}.",
            _ => $"Explain step by step how code in {r.Pick(Languages)} {r.Pick(CodeTasks)}.",
        },
        QueryType.Factual => r.Next(7) switch
        {
            0 => $"What is the capital of {r.Pick(Countries)}?",
            1 => $"Who invented the {r.Pick(Inventions)}?",
            2 => $"How many moons does {r.Pick(Planets)} have?",
            3 => $"What currency is used in {r.Pick(Countries)}?",
            4 => $"Name three famous cities in {r.Pick(Countries)}.",
            5 => $"What is the official language of {r.Pick(Countries)}?",
            _ => $"What is the highest mountain in {r.Pick(Countries)}?",
        },
        QueryType.Creative => r.Next(3) switch
        {
            0 => $"Write a short poem about {r.Pick(Themes)}.",
            1 => $"Tell a bedtime story about a {r.Pick(Animals)} and {r.Pick(Themes)}.",
            _ => $"Write a funny slogan for a {r.Pick(Shops)}.",
        },
        QueryType.Summary => r.Next(3) switch
        {
            0 => $"Summarize the main points of this article about {r.Pick(Reports)} in {r.Next(2, 8)} bullet points.",
            1 => $"Give a one sentence summary of the report on {r.Pick(Reports)}.",
            _ => $"List the three key findings of the study on {r.Pick(Reports)}.",
        },
        QueryType.Translation => r.Next(2) switch
        {
            0 => $"Translate '{r.Pick(Phrases)}' into {r.Pick(SpokenLanguages)}.",
            _ => $"How do you say '{r.Pick(Phrases)}' in {r.Pick(SpokenLanguages)}?",
        },
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
