using IRanker.Model;
using IRanker.Model.Elimination;
using Microsoft.Extensions.Options;

namespace IRanker.Server;

/// <summary>Checks <see cref="ServerOptions"/> at start-up, so a wrong setting stops the server with a message that names it.</summary>
internal sealed class ServerOptionsValidator : IValidateOptions<ServerOptions>
{
    public ValidateOptionsResult Validate(string? name, ServerOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Model))
            errors.Add("No model: start with --model <model.zip | Hugging Face folder> (or set IRanker:Model, e.g. the environment variable IRanker__Model).");
        else if (!File.Exists(options.Model) && !Directory.Exists(options.Model))
            errors.Add($"IRanker:Model '{options.Model}' is neither a file nor a folder. Give the model zip written by mlContext.Model.Save, or a Hugging Face model folder.");
        if (options.ApiKey is { } key && key.Trim().Length == 0)
            errors.Add("IRanker:ApiKey is blank: leave it unset for no key, or set a non-blank key.");
        if (!TryParseModes(options.AllowedModes, out _, out string? modeError)) errors.Add(modeError!);
        Positive(errors, nameof(options.MaxBatchRequests), options.MaxBatchRequests);
        Positive(errors, nameof(options.ShortListDocuments), options.ShortListDocuments);
        Positive(errors, nameof(options.QueueCapacity), options.QueueCapacity);
        Positive(errors, nameof(options.QueueBytes), options.QueueBytes);
        Positive(errors, nameof(options.RetryAfterSeconds), options.RetryAfterSeconds);
        Positive(errors, nameof(options.MaxDocuments), options.MaxDocuments);
        Positive(errors, nameof(options.LongListDocuments), options.LongListDocuments);
        if (!TryParseSchedule(options.LongListSchedule, out _, out string? scheduleError)) errors.Add(scheduleError!);
        if (options.MaxMemoryMB is < 1) errors.Add($"IRanker:MaxMemoryMB must be at least 1 (it is {options.MaxMemoryMB}); leave it unset for no bound.");
        Positive(errors, nameof(options.MaxDocumentChars), options.MaxDocumentChars);
        Positive(errors, nameof(options.MaxQueryChars), options.MaxQueryChars);
        Positive(errors, nameof(options.MaxTotalChars), options.MaxTotalChars);
        Positive(errors, nameof(options.ShutdownTimeoutSeconds), options.ShutdownTimeoutSeconds);
        if (options.MaxBodyBytes is < 1) errors.Add($"IRanker:MaxBodyBytes must be at least 1 (it is {options.MaxBodyBytes}); leave it unset to derive it from the document limits.");
        if (options.TokenBudget is < 1) errors.Add($"IRanker:TokenBudget must be at least 1 (it is {options.TokenBudget}).");
        if (!Enum.IsDefined(options.Scenario))
            errors.Add($"IRanker:Scenario must be one of {string.Join(", ", Enum.GetNames<RankingScenario>())}.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Parses a comma-separated list of decoding modes (case-insensitive).</summary>
    public static bool TryParseModes(string? text, out IReadOnlySet<DecodingMode> modes, out string? error)
    {
        var parsed = new HashSet<DecodingMode>();
        modes = parsed;
        error = null;
        foreach (string part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse(part, ignoreCase: true, out DecodingMode mode) || !Enum.IsDefined(mode) || int.TryParse(part, out _))
            {
                error = $"IRanker:AllowedModes names '{part}', which is not a decoding mode: use a comma-separated list of {string.Join(", ", Enum.GetNames<DecodingMode>())}.";
                return false;
            }
            parsed.Add(mode);
        }
        return true;
    }

    /// <summary>Parses <see cref="ServerOptions.LongListSchedule"/>.</summary>
    public static bool TryParseSchedule(string? text, out EliminationSchedule schedule, out string? error)
    {
        schedule = EliminationSchedule.OnePerStep;
        error = null;
        try
        {
            schedule = EliminationSchedule.Parse(text ?? "");
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException)
        {
            error = $"IRanker:LongListSchedule is '{text}', which is not an elimination schedule: write Fraction(0.5, 5), OnePass or OnePerStep ({e.Message}).";
            return false;
        }
    }

    private static void Positive(List<string> errors, string name, long value)
    {
        if (value < 1) errors.Add($"IRanker:{name} must be at least 1 (it is {value}).");
    }
}
