using System.Text;
using IRanker.Model.Answers;
using IRanker.Model.Text;

namespace IRanker.Model.Prompts;

/// <summary>
/// Writes the prompts of a ranking scenario: one per elimination step (<see cref="BuildStep"/>) and one for the whole
/// ranking at once (<see cref="BuildDirect"/>). Derive from it to change the wording; <see cref="For"/> gives the
/// built-in template of a scenario.
/// </summary>
/// <remarks>
/// <para>The user message of a step is laid out so that everything before the candidate list stays the same across
/// the steps of one query:</para>
/// <code>
/// {Context}
///
/// {EliminationInstruction}
///
/// {CandidatesHeading}
/// {CandidateLine} (one per remaining candidate, in input order)
///
/// {FormatInstruction}
/// </code>
/// <para>The direct prompt has the same layout with <see cref="DirectInstruction"/> and all candidates.</para>
/// </remarks>
/// <example>
/// <code>
/// sealed class PoliteTemplate : GenericPromptTemplate
/// {
///     protected override string EliminationInstruction(RankingQuery query) =&gt; "Please name the weakest option.";
/// }
/// StepPrompt prompt = new PoliteTemplate().BuildStep(query, remaining: [0, 1, 2]);
/// </code>
/// </example>
public abstract class PromptTemplate
{
    /// <summary>The instruction that ends the user message in <see cref="DecodingMode.Reasoning"/>.</summary>
    public const string ReasoningFormat = "Show your work in <think> </think> tags. And return the final answer in <answer> </answer> tags.";

    /// <summary>The start of the assistant turn in <see cref="DecodingMode.Reasoning"/>.</summary>
    public const string ReasoningPrefix = DecodingModes.ReasoningPrefix;

    /// <summary>The start of the assistant turn in <see cref="DecodingMode.Answer"/> and <see cref="DecodingMode.Choice"/>.</summary>
    public const string AnswerPrefix = AnswerTags.AnswerOpen;

    /// <summary>
    /// How <see cref="BuildStep"/> lays out the prompt: the paper's chat prompt (default) or the compact one for models
    /// trained from scratch. <see cref="BuildDirect"/> always writes the chat prompt.
    /// </summary>
    public PromptStyle Style { get; init; } = PromptStyle.Chat;

    /// <summary>The built-in template of a scenario, in the chosen <paramref name="style"/>.</summary>
    public static PromptTemplate For(RankingScenario scenario, PromptStyle style = PromptStyle.Chat) => scenario switch
    {
        RankingScenario.Recommendation => new RecommendationPromptTemplate { Style = style },
        RankingScenario.Routing => new RoutingPromptTemplate { Style = style },
        RankingScenario.Passage => new PassagePromptTemplate { Style = style },
        RankingScenario.Generic => new GenericPromptTemplate { Style = style },
        _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario, "Unknown ranking scenario."),
    };

    /// <summary>The prompt of one elimination step over the <paramref name="remaining"/> candidates.</summary>
    /// <param name="query">The query being ranked.</param>
    /// <param name="remaining">Indices into <see cref="RankingQuery.Candidates"/> of the candidates still in the pool (at least 2), in any order; they are shown in input order.</param>
    /// <param name="mode">How the model is asked to answer.</param>
    public StepPrompt BuildStep(RankingQuery query, IReadOnlyList<int> remaining, DecodingMode mode = DecodingMode.Reasoning)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(remaining);
        var indices = CheckedIndices(query, remaining);
        if (Style == PromptStyle.Compact) return BuildCompactStep(query, indices, mode);

        string system = SystemPrompt(mode);
        string staticUser = $"{Context(query)}\n\n{EliminationInstruction(query)}\n\n{CandidatesHeading(query)}\n";
        string restUser = $"{CandidateList(query, indices)}\n\n{FormatInstruction(mode)}";
        string prefix = AssistantPrefix(mode);

        string staticPrefix = ChatTemplate.Turn(new ChatMessage(ChatTemplate.System, system)) + ChatTemplate.OpenTurn(ChatTemplate.User) + staticUser;
        string text = ChatTemplate.Format([new(ChatTemplate.System, system), new(ChatTemplate.User, staticUser + restUser)], addGenerationPrompt: true, assistantPrefix: prefix);
        return new StepPrompt(system, staticUser + restUser, prefix, staticPrefix, text[staticPrefix.Length..]);
    }

    /// <summary>
    /// The compact step: <c>{Context}\n[{CompactObjective}\n]{CandidatesHeading}\n{candidate lines}\n{AssistantPrefix}</c>.
    /// The static prefix ends after the heading.
    /// </summary>
    private StepPrompt BuildCompactStep(RankingQuery query, int[] indices, DecodingMode mode)
    {
        string? objective = CompactObjective(query);
        string staticPrefix = $"{Context(query)}\n{(objective is null ? "" : objective + "\n")}{CandidatesHeading(query)}\n";
        string list = CandidateList(query, indices);
        string prefix = AssistantPrefix(mode);
        return new StepPrompt("", staticPrefix + list, prefix, staticPrefix, $"{list}\n{prefix}");
    }

    /// <summary>
    /// What follows an earlier answer in a step prompt of the <see cref="PromptLayout.AppendOnly"/> layout: the end of
    /// the assistant's turn and a user turn asking for the next elimination among the rest, then the assistant prefix
    /// again (in the compact style just a new line and the prefix). The same text after every answer.
    /// </summary>
    /// <param name="query">The query being ranked.</param>
    /// <param name="mode"><see cref="DecodingMode.Choice"/> or <see cref="DecodingMode.Answer"/>.</param>
    public string NextTurn(RankingQuery query, DecodingMode mode)
    {
        ArgumentNullException.ThrowIfNull(query);
        string prefix = AssistantPrefix(mode);
        if (Style == PromptStyle.Compact) return $"\n{prefix}";
        return ChatTemplate.EndOfTurn + "\n" + ChatTemplate.OpenTurn(ChatTemplate.User) + NextEliminationInstruction(query) + ChatTemplate.EndOfTurn + "\n" +
            ChatTemplate.OpenTurn(ChatTemplate.Assistant) + prefix;
    }

    /// <summary>The user's request for the next elimination in the <see cref="PromptLayout.AppendOnly"/> layout.</summary>
    protected virtual string NextEliminationInstruction(RankingQuery query) =>
        "Of the others, eliminate the next one.";

    /// <summary>
    /// The one line of a compact step (<see cref="PromptStyle.Compact"/>) that says what to rank by, when the scenario's
    /// task changes it (routing's objective); null when the context and candidates say enough.
    /// </summary>
    protected virtual string? CompactObjective(RankingQuery query) => null;

    /// <summary>The prompt that asks for the whole ranking of <paramref name="query"/> at once.</summary>
    /// <param name="query">The query being ranked.</param>
    /// <param name="mode"><see cref="DecodingMode.Reasoning"/> or <see cref="DecodingMode.Answer"/> (a permutation cannot be scored as one choice).</param>
    public DirectPrompt BuildDirect(RankingQuery query, DecodingMode mode = DecodingMode.Reasoning)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (mode == DecodingMode.Choice)
            throw new ArgumentException("A whole ranking cannot be scored as one choice: use DecodingMode.Reasoning or DecodingMode.Answer for the direct prompt.", nameof(mode));
        var all = CheckedIndices(query, Enumerable.Range(0, query.Candidates.Count).ToArray());

        string system = SystemPrompt(mode);
        string user = $"{Context(query)}\n\n{DirectInstruction(query)}\n\n{CandidatesHeading(query)}\n{CandidateList(query, all)}\n\n{FormatInstruction(mode)}";
        string prefix = AssistantPrefix(mode);
        string text = ChatTemplate.Format([new(ChatTemplate.System, system), new(ChatTemplate.User, user)], addGenerationPrompt: true, assistantPrefix: prefix);
        return new DirectPrompt(system, user, prefix, text);
    }

    /// <summary>The system message.</summary>
    protected virtual string SystemPrompt(DecodingMode mode) => mode == DecodingMode.Reasoning
        ? "You are a helpful assistant. You first work through the reasoning in your head, and only then give the user your answer."
        : "You are a helpful assistant. You give the user your answer directly, without explanation.";

    /// <summary>What the candidates are ranked for: a user's history, a query. Must not end with a line break.</summary>
    protected abstract string Context(RankingQuery query);

    /// <summary>The request to name the one candidate to eliminate, and what to answer with.</summary>
    protected abstract string EliminationInstruction(RankingQuery query);

    /// <summary>The request to order all candidates, and how to write the order.</summary>
    protected abstract string DirectInstruction(RankingQuery query);

    /// <summary>The line above the candidate list.</summary>
    protected virtual string CandidatesHeading(RankingQuery query) => "Candidates:";

    /// <summary>The line of one candidate; by default its ID, and its text when that differs from the ID.</summary>
    protected virtual string CandidateLine(RankingQuery query, int index)
    {
        var candidate = query.Candidates[index];
        return string.IsNullOrWhiteSpace(candidate.Text) || candidate.Text == candidate.Id
            ? $"- {candidate.Id}"
            : $"- {candidate.Id}: {OneLine(candidate.Text)}";
    }

    /// <summary>The end of the user message: how to format the answer.</summary>
    protected virtual string FormatInstruction(DecodingMode mode) => mode == DecodingMode.Reasoning
        ? ReasoningFormat
        : "Reply with the final answer only, inside <answer> </answer> tags, and nothing else.";

    /// <summary>The text the assistant turn starts with: part of the answer vocabulary, the same for every template.</summary>
    private static string AssistantPrefix(DecodingMode mode) => DecodingModes.AssistantPrefix(mode);

    /// <summary>Text on one line: line breaks and runs of white space become single spaces.</summary>
    protected static string OneLine(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private string CandidateList(RankingQuery query, int[] indices)
    {
        var lines = new StringBuilder();
        foreach (int index in indices)
        {
            if (lines.Length > 0) lines.Append('\n');
            lines.Append(CandidateLine(query, index));
        }
        return lines.ToString();
    }

    private static int[] CheckedIndices(RankingQuery query, IReadOnlyList<int> remaining)
    {
        if (remaining.Count < 1)
            throw new ArgumentException("A prompt needs at least one candidate.", nameof(remaining));
        var sorted = remaining.Order().ToArray();
        for (int i = 0; i < sorted.Length; i++)
        {
            if (sorted[i] < 0 || sorted[i] >= query.Candidates.Count)
                throw new ArgumentOutOfRangeException(nameof(remaining), sorted[i], $"Candidate index {sorted[i]} is outside 0..{query.Candidates.Count - 1} of query '{query.QueryId}'.");
            if (i > 0 && sorted[i] == sorted[i - 1])
                throw new ArgumentException($"Candidate index {sorted[i]} is listed twice.", nameof(remaining));
        }
        return sorted;
    }
}
