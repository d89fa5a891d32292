using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using IRanker.MLNet;
using IRanker.MLNet.Engine;
using IRanker.Model;
using IRanker.Model.Elimination;
using IRanker.Model.Training;

namespace IRanker.Cli.Options;

/// <summary>
/// The one place where the command line becomes <see cref="IRankerOptions"/>. Every public settable property of the
/// options classes is reachable by its path, found by reflection (<c>TrainingSteps</c>, <c>Training.LearningRate</c>,
/// <c>Inference.TokenBudget</c>), so a setting added to or renamed in the library is reachable without a change here:
/// from a JSON options file (<c>--options FILE</c>: an object shaped like <see cref="IRankerOptions"/>), then
/// <c>--set Path=Value</c>, then the named flags (<see cref="Named"/>), later ones winning. Unknown names and values of
/// the wrong type are errors that name the setting and, for a file, the file.
/// </summary>
internal static class OptionSettings
{
    /// <summary>The common settings' own flags.</summary>
    public static IReadOnlyList<NamedSetting> Named { get; } =
    [
        new("--warm-start-steps", nameof(IRankerOptions.WarmStartSteps), "Supervised warm-start steps before RL (default: 1000 from scratch, 0 from a checkpoint)."),
        new("--rl-steps", nameof(IRankerOptions.TrainingSteps), "Reinforcement-learning (GRPO/PPO) steps (default 200)."),
        new("--seed", nameof(IRankerOptions.Seed), "Seed of every random choice (default 0)."),
        new("--device", nameof(IRankerOptions.Device), "auto, cpu, cuda or cuda:N (default auto)."),
        new("--mode", nameof(IRankerOptions.DecodingMode), "Decoding mode: Choice (default), Answer or Reasoning."),
        new("--scenario", nameof(IRankerOptions.Scenario), "Prompt template of lists whose task names none: Generic (default), Passage, Recommendation, Routing."),
        new("--task", nameof(IRankerOptions.Task), "Task within the scenario for lists without a Task value (Movie, Performance, ...)."),
        new("--model-size", nameof(IRankerOptions.ScratchModelSize), "Size of a model trained from scratch: Tiny or Small (default)."),
        new("--checkpoint-dir", $"{nameof(IRankerOptions.Training)}.{nameof(TrainingOptions.CheckpointFolder)}", "Folder for training checkpoints; training resumes from the newest one there."),
        new("--checkpoint-every", $"{nameof(IRankerOptions.Training)}.{nameof(TrainingOptions.CheckpointInterval)}", "Steps between checkpoints (default 100)."),
    ];

    /// <summary>Settings that describe ML.NET columns, which the command sets from the file (use the --*-column flags).</summary>
    private static readonly HashSet<string> FileColumns = new(
        typeof(IRankerOptions).GetProperties().Where(p => p.Name.EndsWith("ColumnName", StringComparison.Ordinal)).Select(p => p.Name),
        StringComparer.OrdinalIgnoreCase);

    /// <summary>Where training starts, which <c>--model</c> and <c>--from-scratch</c> say.</summary>
    private const string StartModel = nameof(IRankerOptions.ModelPath);

    internal static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter() },
        PropertyNameCaseInsensitive = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
    };

    /// <summary>Builds the options.</summary>
    /// <param name="optionsFile">A JSON options file, or null.</param>
    /// <param name="settings">The settings in command-line order: <c>(path, value, where)</c>; where is the flag, for messages.</param>
    /// <param name="scratch">Whether the model is trained from scratch (what a <c>Training.*</c> setting starts from).</param>
    /// <exception cref="CliException">An unknown setting, a value of the wrong type, an unreadable file (exit code 2).</exception>
    public static IRankerOptions Build(string? optionsFile, IEnumerable<(string Path, string? Value, string Where)> settings, bool scratch)
    {
        var root = JsonSerializer.SerializeToNode(new IRankerOptions(), Json)!.AsObject();
        if (optionsFile is not null) MergeFile(root, optionsFile, scratch);
        foreach (var (path, value, where) in settings) Set(root, path, value, where, scratch);
        try
        {
            return root.Deserialize<IRankerOptions>(Json)!;
        }
        catch (JsonException e)
        {
            throw CliException.Usage($"the options do not fit together: {e.Message}");
        }
    }

    /// <summary>Splits a <c>--set</c> argument <c>Path=Value</c>.</summary>
    public static (string Path, string? Value) ParseAssignment(string assignment)
    {
        int equals = assignment.IndexOf('=');
        if (equals <= 0) throw CliException.Usage($"--set '{assignment}': write Name=Value, for example --set Training.LearningRate=0.0003.");
        string value = assignment[(equals + 1)..];
        return (assignment[..equals].Trim(), value);
    }

    /// <summary>Every settable path with its type, for help and for the message of an unknown name.</summary>
    public static IEnumerable<(string Path, Type Type)> AllSettings() => Walk(typeof(IRankerOptions), "");

    private static IEnumerable<(string, Type)> Walk(Type type, string prefix)
    {
        foreach (var property in Settable(type))
        {
            if (IsGroup(property.PropertyType))
                foreach (var inner in Walk(property.PropertyType, $"{prefix}{property.Name}.")) yield return inner;
            else if (prefix.Length > 0 ? !ResolvedOptions.NestedCopies.Contains($"{prefix}{property.Name}") : !(FileColumns.Contains(property.Name) || property.Name == StartModel))
                yield return ($"{prefix}{property.Name}", property.PropertyType);
        }
    }

    private static void MergeFile(JsonObject root, string file, bool scratch)
    {
        if (!File.Exists(file)) throw CliException.Usage($"--options {file}: no such file.");
        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(File.ReadAllText(file), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw CliException.Usage($"{file}:{(e.LineNumber ?? 0) + 1}: not valid JSON ({e.Message.Split(" Path:")[0]}).");
        }
        if (parsed is not JsonObject settings)
            throw CliException.Usage($"{file}: an options file holds one JSON object, shaped like IRankerOptions ({{\"TrainingSteps\": 50, \"Training\": {{\"LearningRate\": 0.0003}}}}).");
        foreach (var (path, value) in Leaves(settings, ""))
            SetNode(root, path, value?.DeepClone(), $"{file}", scratch);
    }

    // The leaves of an options file: nested objects of option groups are walked, every other value is one setting.
    private static IEnumerable<(string Path, JsonNode? Value)> Leaves(JsonObject node, string prefix)
    {
        foreach (var (name, value) in node)
        {
            string path = prefix + name;
            if (value is JsonObject inner && Resolve(path, "--options") is { } property && IsGroup(property.PropertyType))
                foreach (var leaf in Leaves(inner, path + ".")) yield return leaf;
            else
                yield return (path, value);
        }
    }

    private static void Set(JsonObject root, string path, string? value, string where, bool scratch)
    {
        var property = Resolve(path, where) ?? throw Unknown(path, where);
        SetNode(root, path, ToNode(property.PropertyType, value, path, where), where, scratch);
    }

    private static void SetNode(JsonObject root, string path, JsonNode? value, string where, bool scratch)
    {
        var parts = path.Split('.');
        JsonObject target = root;
        Type type = typeof(IRankerOptions);
        PropertyInfo? property = null;
        for (int i = 0; i < parts.Length; i++)
        {
            property = Settable(type).FirstOrDefault(p => string.Equals(p.Name, parts[i], StringComparison.OrdinalIgnoreCase))
                ?? throw Unknown(path, where);
            if (i == 0 && parts.Length == 1 && FileColumns.Contains(property.Name))
                throw CliException.Usage($"{where}: '{property.Name}' is set from the data file; name the file's columns with --group-column, --query-column, --candidate-column, --id-column, --label-column and --task-column.");
            if (i == 0 && parts.Length == 1 && property.Name == StartModel)
                throw CliException.Usage($"{where}: where training starts is given by --model (a model zip or a Hugging Face folder) or --from-scratch.");
            if (i == parts.Length - 1) break;
            if (!IsGroup(property.PropertyType)) throw Unknown(path, where);
            if (target[property.Name] is not JsonObject inner)
            {
                object start = property.PropertyType == typeof(TrainingOptions) ? TrainingRecipe.For(scratch) : Activator.CreateInstance(property.PropertyType)!;
                inner = JsonSerializer.SerializeToNode(start, property.PropertyType, Json)!.AsObject();
                target[property.Name] = inner;
            }
            target = inner;
            type = property.PropertyType;
        }
        try
        {
            // The value must read as the setting's type on its own, so that the message can name the setting.
            _ = value is null ? null : value.Deserialize(property!.PropertyType, Json);
            if (value is null && property!.PropertyType.IsValueType && Nullable.GetUnderlyingType(property.PropertyType) is null)
                throw new JsonException("null is not allowed");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ArgumentException or NotSupportedException)
        {
            throw CliException.Usage($"{where}: '{path}' = {value?.ToJsonString() ?? "null"} is not a valid {Describe(property!.PropertyType)} ({e.Message.Split(" Path:")[0]}).");
        }
        target[property!.Name] = value;
    }

    private static JsonNode? ToNode(Type type, string? value, string path, string where)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (value is null || (underlying is not null || !type.IsValueType) && (value.Length == 0 || value == "null")) return type == typeof(string) && value == "" ? JsonValue.Create("") : null;
        var bare = underlying ?? type;
        if (bare == typeof(string) || bare.IsEnum || bare == typeof(EliminationSchedule)) return JsonValue.Create(value);
        try
        {
            return JsonNode.Parse(value);
        }
        catch (JsonException)
        {
            throw CliException.Usage($"{where}: '{path}' = '{value}' is not a valid {Describe(type)}.");
        }
    }

    private static PropertyInfo? Resolve(string path, string where)
    {
        Type type = typeof(IRankerOptions);
        PropertyInfo? property = null;
        foreach (var part in path.Split('.'))
        {
            if (property is not null)
            {
                if (!IsGroup(property.PropertyType)) return null;
                type = property.PropertyType;
            }
            property = Settable(type).FirstOrDefault(p => string.Equals(p.Name, part, StringComparison.OrdinalIgnoreCase));
            if (property is null) return null;
        }
        return property;
    }

    private static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0 && p.GetCustomAttribute<JsonIgnoreAttribute>() is null);

    // A nested options class (Training, Inference): walked by path instead of set whole.
    private static bool IsGroup(Type type) =>
        type.IsClass && type != typeof(string) && type.Namespace?.StartsWith("IRanker", StringComparison.Ordinal) == true
        && type.GetCustomAttribute<JsonConverterAttribute>() is null && type.GetConstructor(Type.EmptyTypes) is not null;

    private static CliException Unknown(string path, string where)
    {
        var names = AllSettings().Select(s => s.Path).ToArray();
        var near = names.Where(n => n.Contains(path.Split('.')[^1], StringComparison.OrdinalIgnoreCase)
                                    || path.Contains(n.Split('.')[^1], StringComparison.OrdinalIgnoreCase)).Take(5).ToArray();
        return CliException.Usage($"{where}: unknown option '{path}'." + (near.Length > 0 ? $" Did you mean {string.Join(", ", near)}?" : "") +
                                  " Every option is listed by 'iranker train --list-options' and in docs/options.md.");
    }

    /// <summary>A type as a user would name it.</summary>
    public static string Describe(Type type)
    {
        var bare = Nullable.GetUnderlyingType(type) ?? type;
        string name = bare.IsEnum ? $"{bare.Name} ({string.Join(", ", Enum.GetNames(bare))})"
            : bare == typeof(int) || bare == typeof(long) ? "integer"
            : bare == typeof(double) || bare == typeof(float) ? "number"
            : bare == typeof(bool) ? "true/false"
            : bare == typeof(string) ? "text"
            : bare == typeof(EliminationSchedule) ? "schedule (OnePerStep, OnePass or Fraction(0.5, 5))"
            : $"JSON {bare.Name}";
        return Nullable.GetUnderlyingType(type) is not null ? name + " or null" : name;
    }
}
