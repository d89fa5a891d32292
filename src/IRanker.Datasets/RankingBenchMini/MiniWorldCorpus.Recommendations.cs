using System.Text;

namespace IRanker.Datasets;

public static partial class MiniWorldCorpus
{
    /// <summary>The recommendation world: catalog entries, genre descriptions and diaries.</summary>
    private sealed partial class World
    {
        private static (string One, string Many, string Verb) Nouns(int domain) => domain switch
        {
            0 => ("film", "films", "watched"),
            1 => ("album", "albums", "listened to"),
            _ => ("game", "games", "played"),
        };

        private static string ItemName(RecommendationItem item) => item.Title[..item.Title.LastIndexOf(" [", StringComparison.Ordinal)];

        private static (string First, string Second) GenresOf(int domain, RecommendationItem item) =>
            (Domains[domain].Genres[item.Genres[0]], Domains[domain].Genres[item.Genres[1]]);

        private static string Article(string word) => "AEIOUaeiou".Contains(word[0]) || word == "RPG" ? "an" : "a";

        private string CatalogLine(Random r, int domain, RecommendationItem item)
        {
            var (g1, g2) = GenresOf(domain, item);
            string name = ItemName(item), noun = Nouns(domain).One;
            return r.Next(5) switch
            {
                0 => $"{item.Title}. {name} is {Article(g1)} {g1} and {g2} {noun}.",
                1 => $"{name} is {Article(noun)} {noun} listed under {g1} and {g2}: {item.Title}.",
                2 => $"Catalog entry: {item.Title}. Genres: {g1}, {g2}.",
                3 => $"{name} mixes {g1} with {g2}. In the catalog it appears as {item.Title}.",
                _ => $"{item.Title} is {Article(g1)} {g1} {noun} with a touch of {g2}.",
            };
        }

        private string CatalogEntry(Random r)
        {
            int domain = r.Next(Domains.Length);
            int count = 1 + r.Next(4);
            var items = r.Sample(_catalogs[domain], count);
            return string.Join(count > 2 && r.Chance(0.5) ? '\n' : ' ', items.Select(i => CatalogLine(r, domain, i)));
        }

        private string GenreDescription(Random r)
        {
            int domain = r.Next(Domains.Length);
            var genres = Domains[domain].Genres;
            int genre = r.Next(genres.Count);
            string g = genres[genre];
            var (_, many, _) = Nouns(domain);
            var items = r.Sample(_catalogs[domain].Where(i => i.Has(genre)).ToList(), 3 + r.Next(4));
            var text = new StringBuilder(r.Pick(new[]
            {
                $"{g} is one of the {genres.Count} genres of {many}.", $"Among {many}, {g} is a genre of its own.",
                $"{g} {many} are easy to find in the catalog.", $"A short guide to {g} {many}.",
            }));
            text.Append($" {g} {many} include {JoinAnd(items.Select(i => i.Title).ToList())}.");
            foreach (var item in items.Take(1 + r.Next(items.Count)))
            {
                var (g1, g2) = GenresOf(domain, item);
                string second = g1 == g ? g2 : g1;
                text.Append(r.Pick(new[] { $" {ItemName(item)} is {g} and also {second}.", $" {ItemName(item)} pairs {g} with {second}." }));
            }
            return text.ToString();
        }

        private string Diary(Random r)
        {
            int domain = r.Next(Domains.Length);
            var catalog = _catalogs[domain];
            var genres = Domains[domain].Genres;
            int first = r.Next(genres.Count);
            int second = (first + 1 + r.Next(genres.Count - 1)) % genres.Count;
            var favourites = catalog.Where(i => i.Has(first) || i.Has(second)).ToList();
            var used = new HashSet<RecommendationItem>();
            var history = new List<RecommendationItem>();
            int length = 8 + r.Next(9);
            while (history.Count < length)
            {
                var item = r.Chance(RecommendationGenerator.FavouriteShare) ? r.Pick(favourites) : r.Pick(catalog);
                if (used.Add(item)) history.Add(item);
            }
            var both = favourites.Where(i => i.Has(first) && i.Has(second) && !used.Contains(i)).ToList();
            var extra = r.Pick(both);

            string person = r.Pick(RecommendationDomain.FirstNames);
            string full = $"{person} {r.Pick(RecommendationDomain.LastNames)}";
            var (one, many, verb) = Nouns(domain);
            string f1 = genres[first], f2 = genres[second];
            var titles = history.Select(i => i.Title).ToList();
            string list = r.Next(3) switch
            {
                0 => $"{full}'s {one} diary:\n" + string.Join('\n', titles.Select((t, i) => $"{i + 1}. {t}")),
                1 => $"{full} {verb} these {many} this year: " + string.Join("; ", titles) + ".",
                _ => $"{many[..1].ToUpperInvariant()}{many[1..]} {full} enjoyed:\n" + string.Join('\n', titles.Select(t => $"* {t}")),
            };
            string closing = r.Next(4) switch
            {
                0 => $"{person} mostly likes {f1} and {f2}. {person} also enjoyed {extra.Title}, which is both {f1} and {f2}.",
                1 => $"Looking back, {person}'s favourite genres are {f1} and {f2}; another {one} {person} liked is {extra.Title}.",
                2 => $"{person} likes {f1} and {f2} best, so {extra.Title} was a hit too.",
                _ => $"Most of these are {f1} or {f2}, the two genres {person} enjoys most. {person} also loved {ItemName(extra)}, {Article(f1)} {f1} and {f2} {one}.",
            };
            return list + "\n" + closing;
        }
    }
}
