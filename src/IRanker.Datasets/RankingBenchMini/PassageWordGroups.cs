using System.Text.RegularExpressions;

namespace IRanker.Datasets;

/// <summary>
/// The word groups of the version-2 passage tasks: 30 topics of five concepts each, every concept written with one of
/// two words that say the same thing (a synonym, or an inflection a stemmer would merge). No word belongs to two
/// concepts, and none is a word of the sentence or query templates.
/// </summary>
/// <remarks>
/// A query names some concepts of one topic; the relevant passage names the same concepts, often with the other word of
/// the pair (vocabulary mismatch). A method that knows these groups can tell which topic a passage is about whatever
/// words it uses; BM25 sees only the words the passage shares with the query.
/// </remarks>
public static partial class PassageWordGroups
{
    /// <summary>Number of topics.</summary>
    public static int TopicCount => Topics.Count;

    /// <summary>Concepts per topic.</summary>
    public const int ConceptsPerTopic = 5;

    // topic -> concept -> the two words of the concept.
    internal static IReadOnlyList<string[][]> Topics { get; } =
    [
        [["lava", "magma"], ["eruption", "outburst"], ["crater", "caldera"], ["ash", "cinders"], ["tectonic", "geologic"]],
        [["coffee", "java"], ["caffeine", "stimulant"], ["espresso", "ristretto"], ["roast", "roasting"], ["grinder", "mill"]],
        [["dog", "canine"], ["puppy", "pup"], ["leash", "tether"], ["obedience", "training"], ["veterinarian", "vet"]],
        [["bread", "loaf"], ["yeast", "leaven"], ["dough", "batter"], ["flour", "wheat"], ["knead", "kneading"]],
        [["solar", "photovoltaic"], ["panel", "module"], ["inverter", "converter"], ["battery", "accumulator"], ["sunlight", "sunshine"]],
        [["diabetes", "diabetic"], ["insulin", "hormone"], ["glucose", "sugar"], ["pancreas", "islets"], ["injection", "jab"]],
        [["tax", "levy"], ["refund", "rebate"], ["deduction", "writeoff"], ["income", "earnings"], ["audit", "inspection"]],
        [["moon", "lunar"], ["orbit", "revolution"], ["tide", "tidal"], ["eclipse", "occultation"], ["astronaut", "cosmonaut"]],
        [["guitar", "guitarist"], ["chord", "harmony"], ["fret", "fretboard"], ["amplifier", "amp"], ["strum", "strumming"]],
        [["vaccine", "inoculation"], ["immunity", "immune"], ["antibody", "antibodies"], ["dose", "shot"], ["virus", "pathogen"]],
        [["mortgage", "loan"], ["interest", "apr"], ["lender", "bank"], ["deposit", "downpayment"], ["equity", "ownership"]],
        [["shark", "predator"], ["reef", "atoll"], ["fin", "flipper"], ["teeth", "jaws"], ["plankton", "krill"]],
        [["rome", "roman"], ["empire", "imperium"], ["caesar", "emperor"], ["senate", "senator"], ["legion", "legionary"]],
        [["sleep", "slumber"], ["insomnia", "sleeplessness"], ["melatonin", "sedative"], ["nap", "siesta"], ["dream", "dreaming"]],
        [["recycling", "reuse"], ["plastic", "polymer"], ["waste", "trash"], ["landfill", "dump"], ["compost", "mulch"]],
        [["chess", "chessboard"], ["pawn", "pawns"], ["checkmate", "mate"], ["opening", "gambit"], ["grandmaster", "champion"]],
        [["hurricane", "cyclone"], ["storm", "tempest"], ["wind", "gust"], ["rainfall", "downpour"], ["evacuation", "evacuate"]],
        [["printer", "printers"], ["ink", "toner"], ["cartridge", "refill"], ["paper", "sheet"], ["scanner", "scanning"]],
        [["marathon", "race"], ["runner", "jogger"], ["pace", "tempo"], ["sneakers", "trainers"], ["endurance", "stamina"]],
        [["pyramid", "pyramids"], ["pharaoh", "king"], ["tomb", "burial"], ["nile", "delta"], ["mummy", "embalming"]],
        [["vitamin", "vitamins"], ["deficiency", "shortage"], ["supplement", "pill"], ["calcium", "mineral"], ["nutrient", "nourishment"]],
        [["rainforest", "jungle"], ["canopy", "treetop"], ["jaguar", "panther"], ["humidity", "moisture"], ["deforestation", "logging"]],
        [["password", "passphrase"], ["encryption", "cipher"], ["hacker", "attacker"], ["firewall", "filter"], ["malware", "spyware"]],
        [["cheese", "cheeses"], ["milk", "dairy"], ["cheddar", "gouda"], ["rennet", "enzyme"], ["curd", "curds"]],
        [["earthquake", "quake"], ["fault", "rift"], ["seismic", "seismograph"], ["magnitude", "richter"], ["aftershock", "tremor"]],
        [["bee", "bees"], ["honey", "nectar"], ["hive", "apiary"], ["pollen", "pollination"], ["queen", "monarch"]],
        [["router", "gateway"], ["wifi", "wireless"], ["signal", "reception"], ["bandwidth", "throughput"], ["modem", "broadband"]],
        [["tomato", "tomatoes"], ["garden", "allotment"], ["soil", "earth"], ["seedling", "sprout"], ["fertilizer", "manure"]],
        [["passport", "passports"], ["visa", "permit"], ["embassy", "consulate"], ["border", "frontier"], ["customs", "checkpoint"]],
        [["piano", "pianoforte"], ["pedal", "pedals"], ["sonata", "concerto"], ["pianist", "keyboardist"], ["octave", "scale"]],
    ];

    private static readonly Dictionary<string, int> TopicByWord = Topics
        .SelectMany((concepts, topic) => concepts.SelectMany(words => words).Select(word => (word, topic)))
        .ToDictionary(p => p.word, p => p.topic, StringComparer.Ordinal);

    /// <summary>The topic (0-based) of a word of the groups, lower case; null for any other word.</summary>
    public static int? TopicOf(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        return TopicByWord.TryGetValue(word, out int topic) ? topic : null;
    }

    /// <summary>
    /// The words of <paramref name="text"/> that belong to the groups, in order: lower-cased, a word is a run of the
    /// letters a-z. What a method that knows which words are group words (but not their groups) reads of a text.
    /// </summary>
    public static IEnumerable<string> GroupWordsIn(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return WordPattern().Matches(text.ToLowerInvariant()).Select(m => m.Value).Where(TopicByWord.ContainsKey);
    }

    [GeneratedRegex("[a-z]+")]
    private static partial Regex WordPattern();

    /// <summary>The ten words of a topic, concept by concept: words 2k and 2k + 1 name concept k.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="topic"/> is not in 0 .. <see cref="TopicCount"/> − 1.</exception>
    public static IReadOnlyList<string> WordsOf(int topic)
    {
        if (topic < 0 || topic >= Topics.Count)
            throw new ArgumentOutOfRangeException(nameof(topic), topic, $"Topics are numbered 0 to {Topics.Count - 1}.");
        return Topics[topic].SelectMany(words => words).ToArray();
    }
}
