using System.Globalization;
using System.Text;
using System.Text.Json;
using IRanker.Model;
using IRanker.Model.Prompts;
using IRanker.Model.Training;
using IRanker.Model.Training.Sampling;
using Parquet.Serialization;

namespace IRanker.Datasets.Verl;

/// <summary>
/// Writes the library's free-text training steps in verl's RL data layout, so that the same training can run on
/// verl (FSDP, vLLM rollouts, many GPUs): one parquet row per sampled elimination step, drawn by the library's own
/// sub-list sampler (a random sub-list of size 2..N that always holds a best candidate, in random order) and worded by
/// the library's own prompt templates in the rebuilt layout. tools/verl/iranker_reward.py scores the answers exactly as
/// the library's rewards do; docs/scale-out.md walks the whole road.
/// </summary>
/// <remarks>
/// verl renders <c>prompt</c> with the model's chat template and then lets the model write; the library's step prompt
/// also opens the assistant's turn with a prefix (<c>Let me solve this step by step.\n&lt;think&gt;</c>, or
/// <c>&lt;answer&gt;</c>). <see cref="ChatTemplate"/> gives the chat template that renders the rows to exactly the
/// library's prompt text (kept in <c>extra_info.prompt_text</c> for checking); give it to verl as the model's custom
/// chat template.
/// </remarks>
/// <example>
/// <code>
/// var train = RankingBenchLoader.Load("Ranking-bench/iterative/train.parquet");
/// await VerlExport.WriteAsync("verl/train.parquet", train, new VerlExportOptions { Samples = 12_000 });
/// File.WriteAllText("verl/chat_template.jinja", VerlExport.ChatTemplate(DecodingMode.Reasoning, PromptStyle.Chat));
/// </code>
/// </example>
public static class VerlExport
{
    /// <summary>The sampled steps, one row each, in the order the sampler draws them.</summary>
    /// <exception cref="ArgumentException">No queries, a query with fewer than two candidates or an unlabelled one, or the Choice mode.</exception>
    public static IEnumerable<VerlRow> Rows(IReadOnlyList<RankingQuery> queries, VerlExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(options);
        Validate(queries, options);
        return Sample(queries, options);
    }

    private static IEnumerable<VerlRow> Sample(IReadOnlyList<RankingQuery> queries, VerlExportOptions options)
    {
        var random = new TrainingRandom(options.Seed);
        var stream = new QueryStream(queries.Count);
        int count = options.Samples ?? queries.Count;
        for (int index = 0; index < count; index++)
        {
            var state = SubListSampler.Draw(queries[stream.Next(random)], random, options.ShuffleCandidates, PromptLayout.Rebuilt);
            var prompt = PromptTemplate.For(state.Query.Scenario, options.Style).BuildStep(state.Query, state.Remaining, options.Mode);
            yield return new VerlRow
            {
                DataSource = $"{options.DataSource}/{state.Query.Task ?? state.Query.Scenario.ToString()}",
                Prompt = options.Style == PromptStyle.Compact
                    ? [new VerlMessage { Role = "user", Content = prompt.User }]
                    : [new VerlMessage { Role = "system", Content = prompt.System }, new VerlMessage { Role = "user", Content = prompt.User }],
                RewardModel = new VerlRewardModel { GroundTruth = GroundTruth(state.Query, state.Remaining, options.Mode) },
                ExtraInfo = new VerlExtraInfo
                {
                    Split = options.Split,
                    Index = index,
                    QueryId = state.Query.QueryId ?? "",
                    Scenario = state.Query.Scenario.ToString(),
                    Task = state.Query.Task ?? "",
                    Mode = options.Mode.ToString(),
                    AssistantPrefix = prompt.AssistantPrefix,
                    PromptText = prompt.Text,
                },
            };
        }
    }

    /// <summary>
    /// The reward's ground truth of a step: <c>{"mode": ..., "ids": [...], "labels": [...]}</c> for the
    /// <paramref name="remaining"/> candidates in that order, labels widened exactly from single precision.
    /// </summary>
    /// <exception cref="ArgumentException">A remaining candidate has no label.</exception>
    public static string GroundTruth(RankingQuery query, IReadOnlyList<int> remaining, DecodingMode mode)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(remaining);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("mode", mode.ToString());
            json.WriteStartArray("ids");
            foreach (int i in remaining) json.WriteStringValue(query.Candidates[i].Id);
            json.WriteEndArray();
            json.WriteStartArray("labels");
            foreach (int i in remaining)
                json.WriteNumberValue((double)(query.Candidates[i].Label
                    ?? throw new ArgumentException($"Candidate '{query.Candidates[i].Id}' has no label; the reward needs one on every candidate.", nameof(query))));
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// A Jinja chat template (Hugging Face's <c>chat_template</c>) that renders a row's <c>prompt</c>, with the generation
    /// prompt, to exactly the library's step prompt: ChatML turns and the mode's assistant prefix (chat style), or the
    /// bare user text, a line break and the prefix (compact style).
    /// </summary>
    public static string ChatTemplate(DecodingMode mode, PromptStyle style)
    {
        CheckMode(mode);
        string prefix = JinjaString(mode == DecodingMode.Reasoning ? PromptTemplate.ReasoningPrefix : PromptTemplate.AnswerPrefix);
        return style == PromptStyle.Compact
            ? "{% for message in messages %}{{ message['content'] }}{% endfor %}{% if add_generation_prompt %}{{ '\\n' + " + prefix + " }}{% endif %}"
            : "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
              "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' + " + prefix + " }}{% endif %}";
    }

    /// <summary>Writes <see cref="Rows"/> to a parquet file (one row group).</summary>
    /// <returns>The number of rows written.</returns>
    public static async Task<int> WriteAsync(string path, IReadOnlyList<RankingQuery> queries, VerlExportOptions options, CancellationToken cancellationToken = default)
    {
        var rows = Rows(queries, options).ToList();
        await using var stream = File.Create(path);
        await ParquetSerializer.SerializeAsync(rows, stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        return rows.Count;
    }

    private static void Validate(IReadOnlyList<RankingQuery> queries, VerlExportOptions options)
    {
        CheckMode(options.Mode);
        if (queries.Count == 0) throw new ArgumentException("There are no queries to sample steps from.", nameof(queries));
        if (options.Samples is < 1) throw new ArgumentException($"Samples must be at least 1 (or null for one per query), not {options.Samples}.", nameof(options));
        foreach (var query in queries)
        {
            if (query.Candidates.Count < 2)
                throw new ArgumentException($"Query '{query.QueryId ?? query.Context}' has {query.Candidates.Count} candidate(s); an elimination step needs at least two.", nameof(queries));
            if (!query.HasLabels)
                throw new ArgumentException($"Query '{query.QueryId ?? query.Context}' has a candidate without a label; the reward needs one on every candidate.", nameof(queries));
        }
    }

    private static void CheckMode(DecodingMode mode)
    {
        if (mode == DecodingMode.Choice)
            throw new ArgumentException("verl trains on generated text: export the Answer or Reasoning mode. Choice-mode training stays in the library (EliminationTrainer).", nameof(mode));
    }

    /// <summary>A single-quoted Jinja string literal.</summary>
    private static string JinjaString(string text)
    {
        var literal = new StringBuilder("'");
        foreach (char c in text)
            literal.Append(c switch
            {
                '\\' => "\\\\",
                '\'' => "\\'",
                '\n' => "\\n",
                _ => c.ToString(CultureInfo.InvariantCulture),
            });
        return literal.Append('\'').ToString();
    }
}
