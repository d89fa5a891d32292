using IRanker.Model;
using IRanker.Model.Prompts;

namespace IRanker.Datasets.Verl;

/// <summary>What <see cref="VerlExport"/> writes: which prompts, how many sampled steps, from which seed.</summary>
/// <example>
/// <code>
/// var options = new VerlExportOptions { Mode = DecodingMode.Reasoning, Samples = 12_000, Seed = 42 };
/// await VerlExport.WriteAsync("verl/train.parquet", trainQueries, options);
/// </code>
/// </example>
public sealed class VerlExportOptions
{
    /// <summary>
    /// How the policy answers: <see cref="DecodingMode.Reasoning"/> (the paper's, default) or
    /// <see cref="DecodingMode.Answer"/>. verl generates text, so <see cref="DecodingMode.Choice"/> cannot move there;
    /// Choice-mode training stays in the library.
    /// </summary>
    public DecodingMode Mode { get; set; } = DecodingMode.Reasoning;

    /// <summary>The prompt layout of the built-in templates (the library's <c>TrainingOptions</c> default: chat).</summary>
    public PromptStyle Style { get; set; } = PromptStyle.Chat;

    /// <summary>
    /// Rows to write, one sampled elimination step each; null writes one step per query per epoch (as many rows as
    /// queries). The paper trained on about 1,500 steps of 8 prompts.
    /// </summary>
    public int? Samples { get; set; }

    /// <summary>Seed of the sampler (the library's <c>TrainingOptions.Seed</c> default, 42). The same seed and queries give the same file.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Show each sub-list in random order (the paper's samples, the library's default), or in input order.</summary>
    public bool ShuffleCandidates { get; set; } = true;

    /// <summary>The value of <c>data_source</c>, followed by <c>/</c> and the query's task (or scenario); verl reports validation metrics per data source.</summary>
    public string DataSource { get; set; } = "iranker";

    /// <summary>The split written into <c>extra_info.split</c> (<c>train</c> or <c>test</c>).</summary>
    public string Split { get; set; } = "train";
}
