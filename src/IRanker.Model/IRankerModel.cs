using System.Text.Json;
using System.Text.Json.Serialization;
using IRanker.Model.Answers;
using IRanker.Model.Elimination;
using IRanker.Model.Modeling;
using IRanker.Model.Prompts;
using IRanker.Model.Runtime;
using IRanker.Model.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace IRanker.Model;

/// <summary>
/// A ranking model ready to use: the causal language model, its tokenizer and the prompt template, on one device.
/// This is what the rankers, the trainer and the ML.NET layer pass around.
/// </summary>
/// <remarks>
/// <para>Saved as a Hugging Face model folder, so that the weights also load in Python:</para>
/// <code>
/// config.json                Qwen2 shape (Hugging Face keys)
/// model.safetensors          weights, in the model's dtype
/// tokenizer.json / compact-tokenizer.json   the tokenizer (Qwen's, or a compact one for models trained from scratch)
/// iranker.json               { "format": "IRanker.Model", "version": 1, "template": null | "type name", "style": "Chat" | "Compact" }
/// </code>
/// <para>A folder without <c>iranker.json</c> (a plain Hugging Face download) loads with the built-in template of each
/// query's scenario in the chat style.</para>
/// </remarks>
/// <example>
/// <code>
/// using var model = IRankerModel.Load("models/qwen2.5-0.5b-instruct", torch.CPU);
/// var results = new IterativeRanker(model).Rank(queries);
///
/// using var scratch = IRankerModel.CreateFromScratch(trainingQueries, Qwen2Config.Tiny, seed: 1);
/// scratch.Save("models/tiny-ranker");
/// </code>
/// </example>
public sealed class IRankerModel : IDisposable
{
    /// <summary>The settings file written next to the weights.</summary>
    public const string SettingsFileName = "iranker.json";

    private const string FormatName = "IRanker.Model";
    private const int FormatVersion = 1;

    /// <summary>
    /// The settings version of a model that scores with <see cref="ChoiceScoring.UniquePrefix"/>: a reader that knows
    /// only version 1 would load it as <see cref="ChoiceScoring.FullSequence"/> and rank differently, so it refuses it
    /// instead. Every other model is still written as version 1.
    /// </summary>
    private const int ChoiceScoringFormatVersion = 2;

    /// <summary>Bundles a model with its tokenizer; the model is used on the device and in the dtype it is in.</summary>
    /// <param name="model">The causal language model; this bundle owns it from now on.</param>
    /// <param name="tokenizer">The tokenizer the model was trained with; its vocabulary must fit the model's.</param>
    /// <param name="template">The prompt template for every query; null = the built-in template of each query's scenario.</param>
    /// <param name="style">How the built-in templates lay out a step when <paramref name="template"/> is null.</param>
    /// <param name="layout">How a list's step prompts relate (<see cref="PromptLayout"/>).</param>
    /// <exception cref="ArgumentException">The tokenizer has more ids than the model's vocabulary.</exception>
    public IRankerModel(Qwen2ForCausalLM model, TextTokenizer tokenizer, PromptTemplate? template = null, PromptStyle style = PromptStyle.Chat,
        PromptLayout layout = PromptLayout.Rebuilt)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (tokenizer.VocabSize > model.Config.VocabSize)
            throw new ArgumentException(
                $"The tokenizer has {tokenizer.VocabSize} ids but the model's vocabulary has {model.Config.VocabSize}: they do not belong together. Load both from the same model folder.",
                nameof(tokenizer));
        Model = model;
        Tokenizer = tokenizer;
        Template = template;
        Style = style;
        Layout = layout;
    }

    /// <summary>The causal language model.</summary>
    public Qwen2ForCausalLM Model { get; }

    /// <summary>The tokenizer.</summary>
    public TextTokenizer Tokenizer { get; }

    /// <summary>The prompt template for every query, or null for the built-in template of each query's scenario.</summary>
    public PromptTemplate? Template { get; }

    /// <summary>The layout of the built-in templates (when <see cref="Template"/> is null); saved with the model.</summary>
    public PromptStyle Style { get; }

    /// <summary>
    /// How a list's step prompts relate, for training and ranking alike; saved with the model (a folder saved without one,
    /// such as a Hugging Face checkpoint, is <see cref="PromptLayout.Rebuilt"/>). Set before training to train in another layout.
    /// </summary>
    public PromptLayout Layout { get; internal set; }

    /// <summary>
    /// How Choice mode scores a step's candidates (<see cref="Model.ChoiceScoring"/>), in training and ranking alike;
    /// saved with the model. A model folder without it (every folder written before the choice existed, and Hugging
    /// Face downloads) is <see cref="ChoiceScoring.FullSequence"/>. Set it before training to train with the other one.
    /// </summary>
    public ChoiceScoring ChoiceScoring { get; set; }

    /// <summary>Where the model runs.</summary>
    public Device Device => Model.Device;

    /// <summary>The compute dtype of the model.</summary>
    public ScalarType DType => Model.DType;

    /// <summary>The template that writes the prompts of <paramref name="query"/>.</summary>
    public PromptTemplate TemplateFor(RankingQuery query) => Template ?? PromptTemplate.For(query.Scenario, Style);

    /// <summary>Writes the model folder (see the remarks of <see cref="IRankerModel"/>) into <paramref name="folder"/>.</summary>
    public void Save(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Model.SavePretrained(folder);
        Tokenizer.Save(folder);
        bool fullSequence = ChoiceScoring == ChoiceScoring.FullSequence;
        var settings = new Settings(FormatName, fullSequence ? FormatVersion : ChoiceScoringFormatVersion, Template?.GetType().AssemblyQualifiedName,
            Style.ToString(), Layout.ToString(), fullSequence ? null : ChoiceScoring.ToString());
        var path = Path.Combine(folder, SettingsFileName);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(settings, Settings.JsonOptions));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>Loads a model folder written by <see cref="Save"/> or downloaded from Hugging Face.</summary>
    /// <param name="folder">The model folder.</param>
    /// <param name="device">Where to run; null = CPU.</param>
    /// <param name="dtype">Compute dtype; null = float32.</param>
    /// <exception cref="InvalidDataException"><c>iranker.json</c> is damaged, or names a template type that cannot be created.</exception>
    public static IRankerModel Load(string folder, Device? device = null, ScalarType? dtype = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        TorchRuntime.EnsureInitialized();
        var (template, style, layout, scoring) = ReadSettings(Path.Combine(folder, SettingsFileName));
        var tokenizer = TextTokenizer.Load(folder);
        var model = Qwen2ForCausalLM.FromPretrained(folder, device, dtype);
        return new IRankerModel(model, tokenizer, template, style, layout) { ChoiceScoring = scoring };
    }

    /// <summary>
    /// A randomly initialised model for training from scratch: a <see cref="CompactTokenizer"/> built from every prompt
    /// the corpus produces (step prompts of each mode, the direct prompt, the answers), and a model of the shape
    /// <paramref name="shape"/> gives for that vocabulary size.
    /// </summary>
    /// <param name="corpus">The queries the model will be trained on.</param>
    /// <param name="shape">The model shape for a vocabulary size, e.g. <see cref="Qwen2Config.Tiny"/>; null = <see cref="Qwen2Config.Tiny"/>.</param>
    /// <param name="seed">Seed of the weight initialisation: the same seed and corpus give the same model.</param>
    /// <param name="device">Where to run; null = CPU.</param>
    /// <param name="style">
    /// The layout of the step prompts the model will be trained and used with; <see cref="PromptStyle.Compact"/> learns
    /// much faster from scratch (docs/training.md).
    /// </param>
    /// <param name="layout">How a list's step prompts relate (<see cref="PromptLayout"/>).</param>
    public static IRankerModel CreateFromScratch(IEnumerable<RankingQuery> corpus, Func<int, Qwen2Config>? shape = null, long seed = 0, Device? device = null,
        PromptStyle style = PromptStyle.Chat, PromptLayout layout = PromptLayout.Rebuilt)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        TorchRuntime.EnsureInitialized();
        var tokenizer = CompactTokenizer.Build(CorpusTexts(corpus, style, layout));
        var config = (shape ?? Qwen2Config.Tiny)(tokenizer.VocabSize);
        if (config.VocabSize < tokenizer.VocabSize)
            throw new ArgumentException($"The shape has a vocabulary of {config.VocabSize} but the corpus needs {tokenizer.VocabSize} ids; give the shape the size it is passed.", nameof(shape));
        manual_seed(seed);
        var model = new Qwen2ForCausalLM(config);
        model.eval();
        if (device is not null) model.To(device, model.DType);
        return new IRankerModel(model, tokenizer, style: style, layout: layout);
    }

    /// <summary>Every text the model sees for <paramref name="corpus"/>: prompts of each mode and the possible answers.</summary>
    private static IEnumerable<string> CorpusTexts(IEnumerable<RankingQuery> corpus, PromptStyle style, PromptLayout layout)
    {
        yield return DecodingModes.ReasoningPrefix + AnswerTags.ThinkClose + AnswerTags.AnswerOpen + AnswerTags.AnswerClose;
        foreach (var query in corpus)
        {
            var template = PromptTemplate.For(query.Scenario, style);
            if (query.Candidates.Count >= 2)
            {
                var all = Enumerable.Range(0, query.Candidates.Count).ToArray();
                foreach (var mode in Enum.GetValues<DecodingMode>()) yield return template.BuildStep(query, all, mode).Text;
                if (layout == PromptLayout.AppendOnly) yield return template.NextTurn(query, DecodingMode.Choice);
            }
            if (query.Candidates.Count >= 1) yield return template.BuildDirect(query, DecodingMode.Answer).Text;
            foreach (var candidate in query.Candidates) yield return DecodingModes.Answer(DecodingMode.Choice, candidate.Id);
        }
    }

    private static (PromptTemplate? Template, PromptStyle Style, PromptLayout Layout, ChoiceScoring Scoring) ReadSettings(string path)
    {
        if (!File.Exists(path)) return (null, PromptStyle.Chat, PromptLayout.Rebuilt, ChoiceScoring.FullSequence);
        Settings? settings;
        try { settings = JsonSerializer.Deserialize<Settings>(File.ReadAllText(path), Settings.JsonOptions); }
        catch (JsonException e) { throw new InvalidDataException($"'{path}' is not valid JSON ({e.Message}). Save the model again with IRankerModel.Save.", e); }
        if (settings is null || settings.Format != FormatName || settings.Version is not (FormatVersion or ChoiceScoringFormatVersion))
            throw new InvalidDataException($"'{path}' is not an {FormatName} settings file of version {FormatVersion} or {ChoiceScoringFormatVersion}. Save the model again with IRankerModel.Save.");
        var style = PromptStyle.Chat;
        if (settings.Style is not null && (!Enum.TryParse(settings.Style, ignoreCase: false, out style) || !Enum.IsDefined(style)))
            throw new InvalidDataException(
                $"'{path}' names the prompt style '{settings.Style}', which this version does not know: use {string.Join(" or ", Enum.GetNames<PromptStyle>())}, or save the model again with IRankerModel.Save.");
        var layout = PromptLayout.Rebuilt;
        if (settings.Layout is not null && (!Enum.TryParse(settings.Layout, ignoreCase: false, out layout) || !Enum.IsDefined(layout)))
            throw new InvalidDataException(
                $"'{path}' names the prompt layout '{settings.Layout}', which this version does not know: use {string.Join(" or ", Enum.GetNames<PromptLayout>())}, or save the model again with IRankerModel.Save.");
        var scoring = ChoiceScoring.FullSequence;
        if (settings.ChoiceScoring is not null && (!Enum.TryParse(settings.ChoiceScoring, ignoreCase: false, out scoring) || !Enum.IsDefined(scoring)))
            throw new InvalidDataException(
                $"'{path}' names the choice scoring '{settings.ChoiceScoring}', which this version does not know: use {string.Join(" or ", Enum.GetNames<ChoiceScoring>())}, or save the model again with IRankerModel.Save.");
        if (settings.Template is null) return (null, style, layout, scoring);
        var type = Type.GetType(settings.Template, throwOnError: false);
        if (type is null || !typeof(PromptTemplate).IsAssignableFrom(type) || type.GetConstructor(Type.EmptyTypes) is null)
            throw new InvalidDataException(
                $"'{path}' names the prompt template '{settings.Template}', which cannot be created: load the assembly that defines it, and give it a public parameterless constructor.");
        return ((PromptTemplate)Activator.CreateInstance(type)!, style, layout, scoring);
    }

    /// <summary>Frees the model's tensors.</summary>
    public void Dispose() => Model.Dispose();

    // *** File format (iranker.json) ***
    // { "format": "IRanker.Model", "version": 1 (2 where "choiceScoring" is given), "template": null | assembly-qualified name of a PromptTemplate type,
    //   "style": "Chat" | "Compact" (absent in files written before styles existed: Chat),
    //   "layout": "Rebuilt" | "AppendOnly" (absent in files written before layouts existed: Rebuilt),
    //   "choiceScoring": "UniquePrefix" (absent for FullSequence, so that such files stay as they were) }
    private sealed record Settings(string Format, int Version, string? Template, string? Style = null, string? Layout = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ChoiceScoring = null)
    {
        public static readonly JsonSerializerOptions JsonOptions = new()
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            WriteIndented = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        };
    }
}
