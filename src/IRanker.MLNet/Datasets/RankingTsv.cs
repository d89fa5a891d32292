using System.Globalization;
using System.Text;
using IRanker.Model.Ranking;

namespace IRanker.MLNet.Datasets;

/// <summary>
/// Row-per-candidate TSV files: a header <c>GroupId	Query	Candidate	CandidateId	Label	Task</c>, then one line per
/// candidate (<see cref="RankingRow"/>), UTF-8 without BOM, <c>\n</c> line ends.
/// </summary>
/// <remarks>
/// Texts are escaped so that a field never contains a tab or a line break: backslash becomes <c>\\</c>, tab <c>\t</c>,
/// line feed <c>\n</c>, carriage return <c>\r</c> (two characters each). Quotes are not special: load with
/// <c>allowQuoting: false</c>. ML.NET's text loader does not unescape, so a history loaded through ML.NET shows
/// <c>\n</c> between its items; <see cref="Unescape"/> (or <see cref="ReadRows"/>) restores the original text.
/// Labels are written with the invariant culture (<c>NaN</c> where unknown).
/// </remarks>
/// <example>
/// <code>
/// RankingTsv.Write("train.tsv", queries);
/// var view = mlContext.Data.LoadFromTextFile&lt;RankingRow&gt;("train.tsv", separatorChar: '\t', hasHeader: true, allowQuoting: false);
/// </code>
/// </example>
public static class RankingTsv
{
    /// <summary>The header line.</summary>
    public const string Header = "GroupId\tQuery\tCandidate\tCandidateId\tLabel\tTask";

    /// <summary>Writes <paramref name="queries"/> as rows (group IDs 1, 2, ... in order).</summary>
    public static void Write(string path, IEnumerable<RankingQuery> queries) => WriteRows(path, RankingRows.FromQueries(queries));

    /// <summary>Writes rows as they are.</summary>
    public static void WriteRows(string path, IEnumerable<RankingRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
        writer.WriteLine(Header);
        foreach (var row in rows)
        {
            writer.Write(row.GroupId.ToString(CultureInfo.InvariantCulture));
            foreach (var text in new[] { row.Query, row.Candidate, row.CandidateId })
            {
                writer.Write('\t');
                writer.Write(Escape(text));
            }
            writer.Write('\t');
            writer.Write(row.Label.ToString("R", CultureInfo.InvariantCulture));
            writer.Write('\t');
            writer.WriteLine(Escape(row.Task));
        }
    }

    /// <summary>Reads rows back, unescaping the texts.</summary>
    /// <exception cref="RankingBenchFormatException">The header is wrong, a line has the wrong number of fields, or a number does not parse.</exception>
    public static List<RankingRow> ReadRows(string path)
    {
        var rows = new List<RankingRow>();
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
            var fields = line.Split('\t');
            if (fields.Length != 6)
                throw new RankingBenchFormatException(path, "line", lineNumber, null, $"expected 6 tab-separated fields, found {fields.Length}.");
            if (!uint.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out uint groupId))
                throw new RankingBenchFormatException(path, "line", lineNumber, "GroupId", $"'{fields[0]}' is not a non-negative integer.");
            if (!float.TryParse(fields[4], NumberStyles.Float, CultureInfo.InvariantCulture, out float label))
                throw new RankingBenchFormatException(path, "line", lineNumber, "Label", $"'{fields[4]}' is not a number.");
            rows.Add(new RankingRow
            {
                GroupId = groupId,
                Query = Unescape(fields[1]),
                Candidate = Unescape(fields[2]),
                CandidateId = Unescape(fields[3]),
                Label = label,
                Task = Unescape(fields[5]),
            });
        }
        if (lineNumber == 0) throw new RankingBenchFormatException(path, "line", 1, null, "the file is empty; it must start with the header.");
        return rows;
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
