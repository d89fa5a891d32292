using System.Globalization;
using System.Text;

namespace IRanker.Datasets;

public static partial class MiniWorldCorpus
{
    /// <summary>The routing world: LLM spec sheets, typed example requests, strengths and prices.</summary>
    private sealed partial class World
    {
        private static string TypeNoun(QueryType type) => type switch
        {
            QueryType.Math => "math question",
            QueryType.Coding => "coding task",
            QueryType.Factual => "factual question",
            QueryType.Creative => "creative writing request",
            QueryType.Summary => "summary request",
            QueryType.Translation => "translation request",
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
        };

        private static string Rating(double quality) => quality switch
        {
            >= 0.9 => "excellent",
            >= 0.8 => "very good",
            >= 0.65 => "good",
            >= 0.5 => "fair",
            _ => "poor",
        };

        private static string PricePer1K(MiniLlm llm) => string.Create(CultureInfo.InvariantCulture, $"${llm.PricePerMillion / 1000:0.#####}");

        private static string PricePer1M(MiniLlm llm) => string.Create(CultureInfo.InvariantCulture, $"${llm.PricePerMillion:0.00}");

        private string LlmSpecSheet(Random r)
        {
            var llm = r.Pick(MiniLlm.All);
            var text = new StringBuilder(r.Chance(0.7) ? llm.CalibratedDescription() : llm.Description());
            text.Append(r.Pick(new[]
            {
                $"\n{llm.Name} costs {PricePer1K(llm)} per 1K tokens, that is {PricePer1M(llm)} per 1M tokens.",
                $"\nPrice of {llm.Name}: {PricePer1K(llm)} per 1K tokens.",
            }));
            var types = r.Chance(0.5) ? Types : r.Sample(Types, Types.Length).ToArray();
            if (r.Chance(0.5))
                foreach (var t in types) text.Append($"\n{MiniLlm.KindName(t)}: {Rating(llm.Quality[(int)t])}");
            else
                foreach (var t in types) text.Append($" On {MiniLlm.KindName(t)} it is {Rating(llm.Quality[(int)t])}.");
            var best = Types.MaxBy(t => llm.Quality[(int)t]);
            var worst = Types.MinBy(t => llm.Quality[(int)t]);
            text.Append($"\n{llm.Name} does best at {MiniLlm.KindName(best)} and least well at {MiniLlm.KindName(worst)}.");
            return text.ToString();
        }

        private string RequestExamples(Random r)
        {
            int count = 2 + r.Next(5);
            var lines = new List<string>();
            if (r.Chance(0.3))
            {
                var type = r.Pick(Types);
                lines.Add($"Some examples of a {TypeNoun(type)}:");
                for (int i = 0; i < count; i++) lines.Add(RoutingQueries.Write(type, r));
                return string.Join('\n', lines);
            }
            if (r.Chance(0.5)) lines.Add("Requests and their types:");
            for (int i = 0; i < count; i++)
            {
                var type = r.Pick(Types);
                string request = RoutingQueries.Write(type, r);
                lines.Add(r.Next(4) switch
                {
                    0 => $"'{request}' is a {TypeNoun(type)}.",
                    1 => $"The request \"{request}\" is a {TypeNoun(type)}.",
                    2 => $"Example of a {TypeNoun(type)}: {request}",
                    _ => $"{request} (type: {MiniLlm.KindName(type)})",
                });
            }
            return string.Join('\n', lines);
        }

        private string TypeAndLlms(Random r)
        {
            var type = r.Pick(Types);
            string area = MiniLlm.KindName(type);
            var byQuality = MiniLlm.All.OrderByDescending(m => m.Quality[(int)type]).ToList();
            var strong = byQuality.Where(m => m.Quality[(int)type] >= 0.85).Select(m => m.Name).ToList();
            var weak = byQuality.Where(m => m.Quality[(int)type] < 0.5).Select(m => m.Name).ToList();
            var text = new StringBuilder(r.Pick(new[]
            {
                $"A request such as '{RoutingQueries.Write(type, r)}' is a {TypeNoun(type)}.",
                $"{Capitalise(TypeNoun(type))}s are one of six kinds of request.",
                $"About {area}.",
            }));
            text.Append(strong.Count > 0 ? $" The LLMs strong at {area} are {JoinAnd(strong)}." : $" No LLM is strong at {area}.");
            text.Append(weak.Count > 0 ? $" {JoinAnd(weak)} {(weak.Count == 1 ? "is" : "are")} weak at it." : $" No LLM is weak at {area}.");
            text.Append($" {byQuality[0].Name} is the strongest at {area} and {byQuality[^1].Name} the weakest.");
            var cheap = MiniLlm.All.Where(m => m.PricePerMillion <= 0.3).OrderByDescending(m => m.Quality[(int)type]).First();
            text.Append($" Of the LLMs that cost at most $0.0003 per 1K tokens, {cheap.Name} is the strongest at {area}.");
            if (r.Chance(0.5))
            {
                var llm = r.Pick(MiniLlm.All);
                text.Append($" {llm.Name} is {Rating(llm.Quality[(int)type])} at {area}.");
            }
            return text.ToString();
        }

        private string PriceComparison(Random r)
        {
            var sentences = new List<string>();
            for (int i = 1 + r.Next(4); i > 0; i--)
            {
                var pair = r.Sample(MiniLlm.All, 2);
                var (x, y) = (pair[0], pair[1]);
                if (x.PricePerMillion == y.PricePerMillion)
                    sentences.Add($"{x.Name} and {y.Name} cost the same, {PricePer1K(x)} per 1K tokens.");
                else
                {
                    var (cheap, dear) = x.PricePerMillion < y.PricePerMillion ? (x, y) : (y, x);
                    sentences.Add(r.Next(3) switch
                    {
                        0 => $"{cheap.Name} costs less than {dear.Name}.",
                        1 => $"{dear.Name} is more expensive than {cheap.Name}.",
                        _ => $"{cheap.Name} ({PricePer1K(cheap)} per 1K tokens) is cheaper than {dear.Name} ({PricePer1K(dear)} per 1K tokens).",
                    });
                }
            }
            if (r.Chance(0.3))
            {
                var sorted = MiniLlm.All.OrderBy(m => m.PricePerMillion).ToList();
                sentences.Add($"{sorted[0].Name} is the cheapest of the ten LLMs and {sorted[^1].Name} the most expensive.");
            }
            if (r.Chance(0.3))
                sentences.Add("Prices per 1K tokens, cheapest first: " + string.Join(", ", MiniLlm.All.OrderBy(m => m.PricePerMillion).Select(m => $"{m.Name} {PricePer1K(m)}")) + ".");
            return string.Join(' ', sentences);
        }
    }
}
