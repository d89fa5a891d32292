namespace IRanker.Server.Api;

/// <summary>
/// Checks the texts of one request against the limits of <see cref="ServerOptions"/>: each text on its own, and all
/// of them together (one prompt holds the query and every document).
/// </summary>
internal sealed class TextLimits(ServerOptions options)
{
    private long _total;

    /// <summary>The query or context: required, not blank, at most <see cref="ServerOptions.MaxQueryChars"/>.</summary>
    public IResult? Query(string field, string? text)
    {
        if (text is null) return Problems.Invalid(field, $"'{field}' is required: a string.");
        if (string.IsNullOrWhiteSpace(text)) return Problems.Invalid(field, $"'{field}' is blank: give the text to rank against.");
        return Text(field, text, options.MaxQueryChars, nameof(ServerOptions.MaxQueryChars));
    }

    /// <summary>The number of documents: at least one, at most <see cref="ServerOptions.MaxDocuments"/>.</summary>
    public IResult? Count(string field, int? count)
    {
        if (count is null) return Problems.Invalid(field, $"'{field}' is required: an array of the texts to rank.");
        if (count == 0) return Problems.Invalid(field, $"'{field}' is empty: give at least one.");
        if (count > options.MaxDocuments)
            return Problems.Invalid(field, $"'{field}' has {count:N0} items; this server ranks at most {options.MaxDocuments:N0} per request (IRanker:MaxDocuments). Split the request.", options.MaxDocuments);
        return null;
    }

    /// <summary>A document (or candidate ID): at most <see cref="ServerOptions.MaxDocumentChars"/>.</summary>
    public IResult? Document(string field, string text) => Text(field, text, options.MaxDocumentChars, nameof(ServerOptions.MaxDocumentChars));

    private IResult? Text(string field, string text, int max, string setting)
    {
        if (text.Length > max)
            return Problems.Invalid(field, $"'{field}' has {text.Length:N0} characters; the limit is {max:N0} (IRanker:{setting}). Shorten or split it.", max);
        if (!WellFormed(text))
            return Problems.Invalid(field, $"'{field}' contains an unpaired UTF-16 surrogate: send well-formed Unicode text.");
        _total += text.Length;
        if (_total > options.MaxTotalChars)
            return Problems.Invalid(field, $"The request's texts reach {_total:N0} characters at '{field}'; the limit for query and documents together is {options.MaxTotalChars:N0} (IRanker:MaxTotalChars). Send fewer or shorter documents.", options.MaxTotalChars);
        return null;
    }

    private static bool WellFormed(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) return false;
        }
        return true;
    }
}
