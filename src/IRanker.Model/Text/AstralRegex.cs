using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace IRanker.Model.Text;

/// <summary>
/// Rewrites a pre-tokenizer regex written for code points (Hugging Face tokenizers, Rust) so that .NET's UTF-16
/// regex engine gives the same splits.
/// </summary>
/// <remarks>
/// .NET matches a character class against one UTF-16 unit. A letter outside the Basic Multilingual Plane (say U+1D400)
/// is two surrogate units, neither of which is in <c>\p{L}</c>, so <c>\p{L}+</c> stops in front of it and
/// <c>[^\p{L}]</c> swallows half of it. Each character class that names a Unicode category (and each bare
/// <c>\p{..}</c>/<c>\P{..}</c>) is therefore rewritten as "the same class on BMP units, minus surrogates, or one of the
/// surrogate pairs whose code point the class would accept". The pairs are listed per high surrogate, computed
/// once from the runtime's Unicode tables.
/// </remarks>
internal static class AstralRegex
{
    private const string SurrogateUnits = @"\uD800-\uDFFF";
    private static readonly ConcurrentDictionary<string, string> PairCache = new();

    /// <summary>The code-point-faithful .NET version of <paramref name="pattern"/>.</summary>
    public static string Rewrite(string pattern)
    {
        var output = new StringBuilder(pattern.Length * 2);
        int i = 0;
        while (i < pattern.Length)
        {
            char c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length && (pattern[i + 1] == 'p' || pattern[i + 1] == 'P'))
            {
                int end = PropertyEnd(pattern, i);
                output.Append(RewriteClass(pattern[i..end], negated: false));
                i = end;
            }
            else if (c == '\\' && i + 1 < pattern.Length)
            {
                output.Append(pattern, i, 2);
                i += 2;
            }
            else if (c == '[')
            {
                int end = ClassEnd(pattern, i);
                bool negated = pattern[i + 1] == '^';
                string body = pattern[(negated ? i + 2 : i + 1)..(end - 1)];
                output.Append(body.Contains(@"\p", StringComparison.Ordinal) || body.Contains(@"\P", StringComparison.Ordinal) || negated
                    ? RewriteClass(body, negated)
                    : pattern[i..end]);
                i = end;
            }
            else
            {
                output.Append(c);
                i++;
            }
        }
        return output.ToString();
    }

    private static string RewriteClass(string body, bool negated)
    {
        var bmp = $"[{(negated ? "^" : "")}{body}-[{SurrogateUnits}]]";
        string pairs = AstralPairs(body, negated);
        return pairs.Length == 0 ? bmp : $"(?:{bmp}|{pairs})";
    }

    /// <summary>An alternation of the surrogate pairs of the astral code points that the class accepts.</summary>
    private static string AstralPairs(string body, bool negated) => PairCache.GetOrAdd((negated ? "^" : "") + body, _ =>
    {
        var (included, excluded) = Properties(body);
        bool Accepts(int codePoint)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(codePoint);
            bool inClass = included.Contains(category) || (excluded.Count > 0 && !excluded.Contains(category));
            return inClass != negated;
        }

        var alternatives = new List<(int FirstHigh, int LastHigh, string Lows)>();
        for (int high = 0; high < 1024; high++)
        {
            string lows = LowRanges(high, Accepts);
            if (lows.Length == 0) continue;
            if (alternatives.Count > 0 && alternatives[^1].LastHigh == high - 1 && alternatives[^1].Lows == lows)
                alternatives[^1] = (alternatives[^1].FirstHigh, high, lows);
            else
                alternatives.Add((high, high, lows));
        }
        return string.Join('|', alternatives.Select(a => a.FirstHigh == a.LastHigh
            ? $"{Unit(0xD800 + a.FirstHigh)}[{a.Lows}]"
            : $"[{Unit(0xD800 + a.FirstHigh)}-{Unit(0xD800 + a.LastHigh)}][{a.Lows}]"));
    });

    private static string LowRanges(int high, Func<int, bool> accepts)
    {
        var ranges = new StringBuilder();
        int low = 0;
        while (low < 1024)
        {
            if (!accepts(0x10000 + (high << 10) + low)) { low++; continue; }
            int start = low;
            while (low + 1 < 1024 && accepts(0x10000 + (high << 10) + low + 1)) low++;
            ranges.Append(Unit(0xDC00 + start));
            if (low > start) ranges.Append('-').Append(Unit(0xDC00 + low));
            low++;
        }
        return ranges.ToString();
    }

    /// <summary>The categories named by <c>\p{..}</c> (included) and <c>\P{..}</c> (excluded) in a class body.</summary>
    private static (HashSet<UnicodeCategory> Included, HashSet<UnicodeCategory> Excluded) Properties(string body)
    {
        var included = new HashSet<UnicodeCategory>();
        var excluded = new HashSet<UnicodeCategory>();
        for (int i = 0; i < body.Length; i++)
        {
            if (body[i] != '\\' || i + 1 >= body.Length) continue;
            char kind = body[i + 1];
            if (kind is 'p' or 'P')
            {
                int end = PropertyEnd(body, i);
                string name = body[(i + 3)..(end - 1)];
                (kind == 'p' ? included : excluded).UnionWith(Categories(name));
                i = end - 1;
            }
            else if (kind == 'd') { included.Add(UnicodeCategory.DecimalDigitNumber); i++; }
            else if (kind == 'w') { included.UnionWith(Categories("L")); included.UnionWith(Categories("M")); included.Add(UnicodeCategory.DecimalDigitNumber); included.Add(UnicodeCategory.ConnectorPunctuation); i++; }
            else i++;
        }
        return (included, excluded);
    }

    private static int PropertyEnd(string pattern, int backslash)
    {
        if (backslash + 2 >= pattern.Length || pattern[backslash + 2] != '{')
            throw new NotSupportedException($"Unsupported Unicode property syntax at {backslash} in pre-tokenizer regex '{pattern}': expected \\p{{Name}}.");
        int close = pattern.IndexOf('}', backslash + 3);
        if (close < 0) throw new ArgumentException($"Unclosed \\p{{ at {backslash} in pre-tokenizer regex '{pattern}'.");
        return close + 1;
    }

    private static int ClassEnd(string pattern, int open)
    {
        int i = open + 1;
        if (i < pattern.Length && pattern[i] == '^') i++;
        if (i < pattern.Length && pattern[i] == ']') i++; // a leading ']' is a literal
        for (; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\') { i++; continue; }
            if (pattern[i] == '[') throw new NotSupportedException($"Nested character classes are not supported in pre-tokenizer regex '{pattern}'.");
            if (pattern[i] == ']') return i + 1;
        }
        throw new ArgumentException($"Unclosed character class at {open} in pre-tokenizer regex '{pattern}'.");
    }

    private static string Unit(int value) => $"\\u{value:X4}";

    private static IEnumerable<UnicodeCategory> Categories(string name) => name switch
    {
        "L" => [UnicodeCategory.UppercaseLetter, UnicodeCategory.LowercaseLetter, UnicodeCategory.TitlecaseLetter, UnicodeCategory.ModifierLetter, UnicodeCategory.OtherLetter],
        "Lu" => [UnicodeCategory.UppercaseLetter],
        "Ll" => [UnicodeCategory.LowercaseLetter],
        "Lt" => [UnicodeCategory.TitlecaseLetter],
        "Lm" => [UnicodeCategory.ModifierLetter],
        "Lo" => [UnicodeCategory.OtherLetter],
        "M" => [UnicodeCategory.NonSpacingMark, UnicodeCategory.SpacingCombiningMark, UnicodeCategory.EnclosingMark],
        "Mn" => [UnicodeCategory.NonSpacingMark],
        "Mc" => [UnicodeCategory.SpacingCombiningMark],
        "Me" => [UnicodeCategory.EnclosingMark],
        "N" => [UnicodeCategory.DecimalDigitNumber, UnicodeCategory.LetterNumber, UnicodeCategory.OtherNumber],
        "Nd" => [UnicodeCategory.DecimalDigitNumber],
        "Nl" => [UnicodeCategory.LetterNumber],
        "No" => [UnicodeCategory.OtherNumber],
        "P" => [UnicodeCategory.ConnectorPunctuation, UnicodeCategory.DashPunctuation, UnicodeCategory.OpenPunctuation, UnicodeCategory.ClosePunctuation,
                UnicodeCategory.InitialQuotePunctuation, UnicodeCategory.FinalQuotePunctuation, UnicodeCategory.OtherPunctuation],
        "S" => [UnicodeCategory.MathSymbol, UnicodeCategory.CurrencySymbol, UnicodeCategory.ModifierSymbol, UnicodeCategory.OtherSymbol],
        "Z" => [UnicodeCategory.SpaceSeparator, UnicodeCategory.LineSeparator, UnicodeCategory.ParagraphSeparator],
        "C" => [UnicodeCategory.Control, UnicodeCategory.Format, UnicodeCategory.Surrogate, UnicodeCategory.PrivateUse, UnicodeCategory.OtherNotAssigned],
        _ => throw new NotSupportedException($"Unicode category '\\p{{{name}}}' in a pre-tokenizer regex is not supported; supported: L, Lu, Ll, Lt, Lm, Lo, M, Mn, Mc, Me, N, Nd, Nl, No, P, S, Z, C."),
    };
}
