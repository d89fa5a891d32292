using IRanker.Model.Modeling;
using static TorchSharp.torch;

namespace IRanker.Model.Generation;

/// <summary>
/// Scores candidate continuations (each one or more tokens, lengths may differ) of each prompt: the log-probability
/// that the model continues the prompt with exactly that token sequence.
/// </summary>
/// <remarks>
/// <para>Two forward passes for the whole batch, whatever the number of candidates: the left-padded prompts once
/// (filling a KV cache and giving the distribution of every candidate's first token), then all candidates of all
/// prompts as one batch over a copy of their prompt's cache rows (right-padded, without their last token, which is
/// only predicted).</para>
/// <para>A multi-token candidate is scored by the sum of its tokens' log-probs (<see cref="ChoiceScores.Sum"/>, the
/// log-probability of the sequence); <see cref="ChoiceScores.Mean"/> divides by its length. Log-probs are computed
/// in float32 from the raw logits (temperature 1).</para>
/// </remarks>
/// <example>
/// <code>
/// var scorer = new ChoiceScorer(model);
/// var scores = scorer.Score([promptIds], [[[15], [16, 17], [18]]]);
/// float logProbOfSecond = scores[0].Sum[1];
/// </code>
/// </example>
public sealed class ChoiceScorer
{
    private readonly Qwen2ForCausalLM model;
    private readonly int padTokenId;

    /// <summary>Creates a scorer over <paramref name="model"/>; <paramref name="padTokenId"/> fills padding.</summary>
    public ChoiceScorer(Qwen2ForCausalLM model, int padTokenId = 0)
    {
        this.model = model;
        this.padTokenId = padTokenId;
    }

    /// <summary>Scores <paramref name="candidates"/>[b] as continuations of <paramref name="prompts"/>[b].</summary>
    /// <exception cref="ArgumentException">The lists differ in length, or a candidate is empty.</exception>
    public IReadOnlyList<ChoiceScores> Score(IReadOnlyList<IReadOnlyList<int>> prompts, IReadOnlyList<IReadOnlyList<IReadOnlyList<int>>> candidates)
    {
        if (prompts.Count != candidates.Count)
            throw new ArgumentException($"There are {prompts.Count} prompts but {candidates.Count} candidate lists; give one list per prompt.", nameof(candidates));
        var source = new List<long>();
        var sequences = new List<IReadOnlyList<int>>();
        for (int b = 0; b < prompts.Count; b++)
            for (int c = 0; c < candidates[b].Count; c++)
            {
                if (candidates[b][c].Count == 0) throw new ArgumentException($"Candidate {c} of prompt {b} is empty; every candidate needs at least one token.", nameof(candidates));
                source.Add(b);
                sequences.Add(candidates[b][c]);
            }
        var sums = new float[sequences.Count];
        if (sequences.Count > 0) ScoreRows(prompts, source.ToArray(), sequences, sums);

        var result = new List<ChoiceScores>(prompts.Count);
        int row = 0;
        for (int b = 0; b < prompts.Count; b++)
        {
            int n = candidates[b].Count;
            var sum = sums.AsSpan(row, n).ToArray();
            var mean = sum.Select((s, c) => s / candidates[b][c].Count).ToArray();
            result.Add(new ChoiceScores(sum, mean));
            row += n;
        }
        return result;
    }

    private void ScoreRows(IReadOnlyList<IReadOnlyList<int>> prompts, long[] source, List<IReadOnlyList<int>> sequences, float[] sums)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var device = model.Device;
        int rows = sequences.Count;
        int longest = sequences.Max(s => s.Count);
        using var prompt = PromptBatch.LeftPad(prompts, padTokenId, device);
        long batch = prompt.InputIds.shape[0], promptLength = prompt.InputIds.shape[1];
        using var cache = new KVCache(model.Config.NumHiddenLayers);

        // Pass 1: prompts → distribution of each candidate's first token.
        var last = full(batch, promptLength - 1, dtype: ScalarType.Int64, device: device);    // [batch]
        using var first = model.Forward(prompt.InputIds, prompt.AttentionMask, cache: cache, logitPositions: last);
        var firstLogProbs = first.Logits.select(1, 0).to(ScalarType.Float32).log_softmax(-1);  // [batch, vocab]
        var sourceRows = tensor(source, device: device);                                     // [rows]
        var firstTokens = tensor(sequences.Select(s => (long)s[0]).ToArray(), device: device); // [rows]
        var total = firstLogProbs.index_select(0, sourceRows).gather(1, firstTokens.unsqueeze(1)).squeeze(1); // [rows]

        if (longest > 1)
        {
            // Pass 2: every candidate but its last token, after its prompt's cached keys/values.
            int width = longest - 1;
            var feed = new long[rows * width];
            var targets = new long[rows * width];
            var valid = new long[rows * width];
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < width; j++)
                {
                    bool inside = j + 1 < sequences[r].Count;
                    feed[r * width + j] = inside ? sequences[r][j] : padTokenId;
                    targets[r * width + j] = inside ? sequences[r][j + 1] : 0;
                    valid[r * width + j] = inside ? 1 : 0;
                }
            var feedIds = tensor(feed, [rows, width], device: device);                         // [rows, width]
            var targetIds = tensor(targets, [rows, width], device: device);                    // [rows, width]
            var validMask = tensor(valid, [rows, width], device: device);                      // [rows, width], right padding
            var mask = cat([prompt.AttentionMask.index_select(0, sourceRows), validMask], 1);  // [rows, prompt + width]
            using var rowCache = cache.SelectRows(sourceRows);
            using var rest = model.Forward(feedIds, mask, cache: rowCache);
            var logProbs = rest.Logits.to(ScalarType.Float32).log_softmax(-1);                 // [rows, width, vocab]
            var picked = logProbs.gather(2, targetIds.unsqueeze(-1)).squeeze(-1);              // [rows, width]
            total = total + (picked * validMask.to(ScalarType.Float32)).sum(1);
        }
        total.cpu().data<float>().CopyTo(sums, 0);
    }
}
