using System.Globalization;
using System.Text;
using IRanker.Model;
namespace IRanker.Datasets;

/// <summary>
/// Row-per-candidate TSV files: a header <c>GroupId	Query	Candidate	CandidateId	Label	Task</c>, then one line per
/// candidate, UTF-8 without BOM, <c>\n</c> line ends. <c>GroupId</c> numbers the lists of a file 1, 2, ...; the rows of
/// a list are consecutive.
/// </summary>
/// <remarks>
/// Texts are escaped so that a field never contains a tab or a line break: backslash becomes <c>\\</c>, tab <c>\t</c>,
/// line feed <c>\n</c>, carriage return <c>\r</c> (two characters each). Quotes are not special: load with
/// <c>allowQuoting: false</c>. The columns are those of <c>RankingRow</c> in the IRanker.MLNet package, in order, so
/// ML.NET's text loader reads these files; it does not unescape, so a history loaded through ML.NET shows <c>\n</c>
/// between its items, and <see cref="Unescape"/> (or <see cref="Read"/>) restores the original text. Labels are
/// written with the invariant culture (<c>NaN</c> where unknown).
/// </remarks>
/// <example>
/// <code>
/// RankingTsv.Write("train.tsv", queries);
/// IReadOnlyList&lt;RankingQuery&gt; again = RankingTsv.Read("train.tsv");
/// // with IRanker.MLNet:
/// var view = mlContext.Data.LoadFromTextFile&lt;RankingRow&gt;("train.tsv", separatorChar: '\t', hasHeader: true, allowQuoting: false);
/// </code>
/// </example>
public static class RankingTsv
{
    /// <summary>The header line.</summary>
    public const string Header = "GroupId\tQuery\tCandidate\tCandidateId\tLabel\tTask";

    /// <summary>Writes one row per candidate; the lists get group IDs 1, 2, ... in order.</summary>
    /// <remarks>A candidate without a label gets <c>NaN</c>; a query without a task an empty <c>Task</c>.</remarks>
    public static void Write(string path, IEnumerable<RankingQuery> queries)
    {
        ArgumentNullException.ThrowIfNull(queries);
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
        writer.WriteLine(Header);
        uint groupId = 1;
        foreach (var query in queries)
        {
            string context = Escape(query.Context), task = Escape(query.Task ?? "");
            foreach (var candidate in query.Candidates)
            {
                float label = candidate.Label ?? float.NaN;
                writer.WriteLine(string.Join('\t', groupId.ToString(CultureInfo.InvariantCulture), context, Escape(candidate.Text),
                    Escape(candidate.Id), label.ToString("R", CultureInfo.InvariantCulture), task));
            }
            groupId++;
        }
    }

    /// <summary>
    /// Reads the lists back, unescaping the texts: consecutive rows with the same group ID form a list, whose context and
    /// task come from its first row and whose scenario comes from the task name (<c>Movie</c>, <c>Rec-Movie</c>, ...;
    /// unknown names give <see cref="RankingScenario.Generic"/>). <c>NaN</c> labels become unknown; the query ID is the
    /// group ID.
    /// </summary>
    /// <exception cref="RankingBenchFormatException">The header is wrong, a line has the wrong number of fields, or a number does not parse.</exception>
    public static IReadOnlyList<RankingQuery> Read(string path)
    {
        var queries = new List<RankingQuery>();
        string[]? first = null;   // the current list's first row
        var candidates = new List<RankingCandidate>();
        void EndList()
        {
            if (first is null) return;
            var (task, scenario) = RankingBenchTaskNames.Parse(first[5]);
            queries.Add(new RankingQuery(first[1], candidates.ToList(), scenario, task, first[0]));
            candidates.Clear();
        }

        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (lineNumber == 1)
            {
                if (line.TrimStart('\uFEFF') != Header)
                    throw new RankingBenchFormatException(path, "line", 1, null, $"the header must be '{Header.Replace("\t", "<TAB>")}'.");
                continue;
            }
            if (line.Length == 0) continue;
            var fields = ParseLine(path, lineNumber, line);
            if (first is null || first[0] != fields[0])
            {
                EndList();
                first = fields;
            }
            float label = float.Parse(fields[4], NumberStyles.Float, CultureInfo.InvariantCulture);
            candidates.Add(new RankingCandidate(fields[3], fields[2], float.IsNaN(label) ? null : label));
        }
        if (lineNumber == 0) throw new RankingBenchFormatException(path, "line", 1, null, "the file is empty; it must start with the header.");
        EndList();
        return queries;
    }

    // The six fields of a data line, checked, texts unescaped; the group ID in its canonical form.
    private static string[] ParseLine(string path, int lineNumber, string line)
    {
        var fields = line.Split('\t');
        if (fields.Length != 6)
            throw new RankingBenchFormatException(path, "line", lineNumber, null, $"expected 6 tab-separated fields, found {fields.Length}.");
        if (!uint.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out uint groupId))
            throw new RankingBenchFormatException(path, "line", lineNumber, "GroupId", $"'{fields[0]}' is not a non-negative integer.");
        if (!float.TryParse(fields[4], NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            throw new RankingBenchFormatException(path, "line", lineNumber, "Label", $"'{fields[4]}' is not a number.");
        fields[0] = groupId.ToString(CultureInfo.InvariantCulture);
        foreach (int text in new[] { 1, 2, 3, 5 }) fields[text] = Unescape(fields[text]);
        return fields;
    }

    /// <summary>Escapes backslash, tab, line feed and carriage return (see remarks).</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.AsSpan().IndexOfAny("\\\t\n\r") < 0) return text;
        var builder = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            builder.Append(c switch
            {
                '\\' => "\\\\",
                '\t' => "\\t",
                '\n' => "\\n",
                '\r' => "\\r",
                _ => c.ToString(),
            });
        }
        return builder.ToString();
    }

    /// <summary>Reverses <see cref="Escape"/>; a backslash before any other character is kept as it is.</summary>
    public static string Unescape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Contains('\\')) return text;
        var builder = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c != '\\' || i + 1 == text.Length)
            {
                builder.Append(c);
                continue;
            }
            char next = text[i + 1];
            string? decoded = next switch { '\\' => "\\", 't' => "\t", 'n' => "\n", 'r' => "\r", _ => null };
            if (decoded is null) builder.Append(c);
            else
            {
                builder.Append(decoded);
                i++;
            }
        }
        return builder.ToString();
    }
}
