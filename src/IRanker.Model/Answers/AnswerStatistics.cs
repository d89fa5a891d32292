namespace IRanker.Model.Answers;

/// <summary>Counts of how the answers of a run were formed and matched; safe to update from several threads.</summary>
/// <example>
/// <code>
/// var statistics = new AnswerStatistics();
/// statistics.Record(AnswerParser.Match(output, remainingIds));
/// Console.WriteLine(statistics);   // "answers 1: malformed 0 (no tags 0, several 0, unclosed 0, empty 0), not in pool 0; exact 1 ..."
/// </code>
/// </example>
public sealed class AnswerStatistics
{
    private readonly Lock _lock = new();
    private readonly int[] _byRule = new int[Enum.GetValues<AnswerMatch>().Length];
    private int _total, _malformed, _noTags, _several, _unclosed, _empty, _notInPool;

    /// <summary>Answers recorded.</summary>
    public int Total { get { lock (_lock) return _total; } }

    /// <summary>Answers that were not exactly one non-empty <c>&lt;answer&gt;…&lt;/answer&gt;</c>.</summary>
    public int Malformed { get { lock (_lock) return _malformed; } }

    /// <summary>Answers without any answer tag.</summary>
    public int NoTags { get { lock (_lock) return _noTags; } }

    /// <summary>Outputs with more than one complete answer.</summary>
    public int SeveralAnswers { get { lock (_lock) return _several; } }

    /// <summary>Answers with only one of the two tags.</summary>
    public int Unclosed { get { lock (_lock) return _unclosed; } }

    /// <summary>Empty answers.</summary>
    public int Empty { get { lock (_lock) return _empty; } }

    /// <summary>Answers that named no remaining candidate exactly or after normalisation (matched fuzzily or by nearest).</summary>
    public int NotInPool { get { lock (_lock) return _notInPool; } }

    /// <summary>Answers matched by <paramref name="rule"/>.</summary>
    public int ByRule(AnswerMatch rule) { lock (_lock) return _byRule[(int)rule]; }

    /// <summary>Counts one parsed answer.</summary>
    internal void Record(ParsedAnswer parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        var format = parsed.Answer.Format;
        lock (_lock)
        {
            _total++;
            if (format != AnswerFormat.WellFormed) _malformed++;
            if (format.HasFlag(AnswerFormat.NoTags)) _noTags++;
            if (format.HasFlag(AnswerFormat.SeveralAnswers)) _several++;
            if (format.HasFlag(AnswerFormat.Unclosed)) _unclosed++;
            if (format.HasFlag(AnswerFormat.Empty)) _empty++;
            if (parsed.NotInPool) _notInPool++;
            _byRule[(int)parsed.Rule]++;
        }
    }

    /// <summary>A one-line summary.</summary>
    public override string ToString()
    {
        lock (_lock)
        {
            string rules = string.Join(", ", Enum.GetValues<AnswerMatch>().Select(r => $"{r.ToString().ToLowerInvariant()} {_byRule[(int)r]}"));
            return $"answers {_total}: malformed {_malformed} (no tags {_noTags}, several {_several}, unclosed {_unclosed}, empty {_empty}), not in pool {_notInPool}; {rules}";
        }
    }
}
