using IRanker.Model.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace IRanker.Model.Ranking.Inference;

/// <summary>
/// One forward pass over a batch of step prompts, each continuing its list's cached prefix, with every candidate
/// continuation (branch) of a row scored in the same pass.
/// </summary>
/// <remarks>
/// <para>Layout of row b (past columns left-padded to the longest past, new columns right-padded):
/// <c>[pad | cached prefix (PastLength) | rest of the prompt | branch 1 | branch 2 | … | pad]</c>.
/// The mask is built here rather than by the model: a prompt token sees the cached prefix and the prompt tokens
/// before it; a branch token sees the whole prompt and the earlier tokens of its own branch only, at the positions it
/// would have if it directly followed the prompt. The branches therefore cost one pass with a few extra positions
/// instead of one pass (or one cache copy) per candidate.</para>
/// <para>A branch <c>x_0 … x_{t-1}</c> scores <c>log p(x_0 | prompt) + Σ_j log p(x_j | prompt, x_0 … x_{j-1})</c>:
/// the first term comes from the logits at the last prompt token, the others from the logits at the branch's own
/// tokens. Log-probs are taken in float32.</para>
/// </remarks>
internal sealed class StepForward : IDisposable
{
    private readonly KVCache cache;

    private StepForward(KVCache cache, Tensor lastLogits, Tensor keep, float[][] branchLogProbs, PrefixCache?[] prefixes)
    {
        this.cache = cache;
        LastLogits = lastLogits;
        Keep = keep;
        BranchLogProbs = branchLogProbs;
        Prefixes = prefixes;
    }

    /// <summary>Float32 logits at each row's last prompt token, [batch, vocab].</summary>
    public Tensor LastLogits { get; }

    /// <summary>Columns of <see cref="Cache"/> that continued decoding may attend to (cached prefix and prompt, not padding or branches), [batch, columns], int64 0/1.</summary>
    public Tensor Keep { get; }

    /// <summary>The filled key/value cache, for decoding after the prompt.</summary>
    public KVCache Cache => cache;

    /// <summary>Per row, the log-probability of each branch (sum over its tokens).</summary>
    public float[][] BranchLogProbs { get; }

    /// <summary>Per row, the cache of its prompt (when asked for); ownership passes to the caller.</summary>
    public PrefixCache?[] Prefixes { get; }

    /// <summary>Runs <paramref name="rows"/> through <paramref name="model"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="rows">One row per list.</param>
    /// <param name="padTokenId">Token fed at padded positions (masked out).</param>
    /// <param name="keepPrefixes">Also return each row's prompt cache (<see cref="Prefixes"/>).</param>
    public static StepForward Run(Qwen2ForCausalLM model, IReadOnlyList<StepRow> rows, int padTokenId, bool keepPrefixes)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var config = model.Config;
        var device = model.Device;
        int batch = rows.Count;
        int maxPast = rows.Max(r => r.PastLength);
        int maxNew = rows.Max(r => r.NewTokens);
        int total = maxPast + maxNew;

        var ids = new long[batch * maxNew];
        var positions = new long[batch * maxNew];
        var groups = new long[batch * maxNew];
        var pastStart = new long[batch];
        var keep = new long[batch * total];
        var logitIndex = new List<long>[batch];
        for (int b = 0; b < batch; b++)
            logitIndex[b] = Layout(rows[b], b, maxPast, maxNew, total, padTokenId, ids, positions, groups, keep);
        for (int b = 0; b < batch; b++) pastStart[b] = maxPast - rows[b].PastLength;
        int k = logitIndex.Max(l => l.Count);

        var inputIds = tensor(ids, [batch, maxNew], device: device);                        // [batch, new]
        var positionIds = tensor(positions, [batch, maxNew], device: device);               // [batch, new]
        var mask = BranchLayout.Mask(tensor(groups, [batch, maxNew], device: device), tensor(pastStart, [batch], device: device), maxPast); // [batch, 1, new, past + new]
        var keepMask = tensor(keep, [batch, total], device: device);                        // [batch, past + new]

        var kvCache = new KVCache(config.NumHiddenLayers);
        try
        {
            if (maxPast > 0) SeedPast(kvCache, rows, maxPast, model);
            var hidden = model.Decoder.ForwardWithMask(inputIds, positionIds, mask, kvCache);               // [batch, new, hidden]

            var gatherIndex = new long[batch * k];
            for (int b = 0; b < batch; b++)
                for (int j = 0; j < k; j++) gatherIndex[b * k + j] = j < logitIndex[b].Count ? logitIndex[b][j] : 0;
            var index = tensor(gatherIndex, [batch, k], device: device);                    // [batch, k]
            var selected = hidden.gather(1, index.unsqueeze(-1).expand(-1, -1, hidden.shape[2])); // [batch, k, hidden]
            var logits = nn.functional.linear(selected, model.LmHeadWeight).to(ScalarType.Float32); // [batch, k, vocab]
            var lastLogits = logits.select(1, 0).contiguous();                              // [batch, vocab]
            var branchLogProbs = BranchScores(rows, logits, logitIndex, maxNew);

            var prefixes = new PrefixCache?[batch];
            if (keepPrefixes) ExtractPrefixes(kvCache, rows, maxPast, prefixes, model);
            return new StepForward(kvCache, lastLogits.MoveToOuterDisposeScope(), keepMask.MoveToOuterDisposeScope(), branchLogProbs, prefixes);
        }
        catch
        {
            kvCache.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Fills row <paramref name="b"/> of the flat input arrays and returns the new-token indices whose logits are
    /// needed: the last prompt token first, then every branch token but the last of its branch. A new token's group
    /// is 0 for the prompt, c + 1 for branch c and -1 for padding.
    /// </summary>
    private static List<long> Layout(StepRow row, int b, int maxPast, int maxNew, int total, int padTokenId,
        long[] ids, long[] positions, long[] groups, long[] keep)
    {
        int past = row.PastLength;
        int promptNew = row.NewPromptTokens;
        for (int c = maxPast - past; c < maxPast + promptNew; c++) keep[b * total + c] = 1;
        for (int i = 0; i < maxNew; i++)
        {
            ids[b * maxNew + i] = padTokenId;
            positions[b * maxNew + i] = past;
            groups[b * maxNew + i] = -1;
        }
        for (int i = 0; i < promptNew; i++)
        {
            ids[b * maxNew + i] = row.Prompt[past + i];
            positions[b * maxNew + i] = past + i;
            groups[b * maxNew + i] = 0;
        }

        var logitIndex = new List<long> { promptNew - 1 };
        int next = promptNew;
        for (int branchIndex = 0; branchIndex < row.Branches.Count; branchIndex++)
        {
            var branch = row.Branches[branchIndex];
            for (int j = 0; j < branch.Length; j++)
            {
                int i = next + j;
                ids[b * maxNew + i] = branch[j];
                positions[b * maxNew + i] = row.Prompt.Length + j;
                groups[b * maxNew + i] = branchIndex + 1;
                if (j < branch.Length - 1) logitIndex.Add(i);
            }
            next += branch.Length;
        }
        return logitIndex;
    }

    /// <summary>Sums, per branch, the log-probs of its tokens under the logits gathered at <paramref name="logitIndex"/>.</summary>
    private static float[][] BranchScores(IReadOnlyList<StepRow> rows, Tensor logits, List<long>[] logitIndex, int maxNew)
    {
        var result = new float[rows.Count][];
        if (rows.All(r => r.Branches.Count == 0))
        {
            for (int b = 0; b < rows.Count; b++) result[b] = [];
            return result;
        }
        // Which gathered position predicts each branch token, and which token it must predict.
        long k = logits.shape[1], vocab = logits.shape[2];
        var flat = new List<long>();
        for (int b = 0; b < rows.Count; b++)
        {
            int slot = 1;                                            // slot 0 = last prompt token
            foreach (var branch in rows[b].Branches)
                for (int j = 0; j < branch.Length; j++)
                {
                    long from = j == 0 ? 0 : slot++;
                    flat.Add((b * k + from) * vocab + branch[j]);
                }
        }
        var logProbs = logits.log_softmax(-1).view(-1);                                     // [batch * k * vocab]
        var picked = logProbs.index_select(0, tensor(flat.ToArray(), device: logits.device)).cpu().data<float>().ToArray();

        int at = 0;
        for (int b = 0; b < rows.Count; b++)
        {
            var sums = new float[rows[b].Branches.Count];
            for (int c = 0; c < sums.Length; c++)
                for (int j = 0; j < rows[b].Branches[c].Length; j++) sums[c] += picked[at++];
            result[b] = sums;
        }
        return result;
    }

    /// <summary>Puts each row's reused prefix, left-padded to <paramref name="maxPast"/>, into the empty cache.</summary>
    private static void SeedPast(KVCache kvCache, IReadOnlyList<StepRow> rows, int maxPast, Qwen2ForCausalLM model)
    {
        var config = model.Config;
        long[] padShape = [1, config.NumKeyValueHeads, 0, config.HeadDim];
        for (int layer = 0; layer < config.NumHiddenLayers; layer++)
        {
            Tensor Row(StepRow row, bool values)
            {
                int past = row.PastLength;
                padShape[2] = maxPast - past;
                var pad = zeros(padShape, model.DType, model.Device);                       // [1, kv_heads, maxPast - past, head_dim]
                if (past == 0) return pad;
                var source = values ? row.Past!.Values(layer) : row.Past!.Keys(layer);
                return cat([pad, source.narrow(2, 0, past)], 2);                           // [1, kv_heads, maxPast, head_dim]
            }
            var keys = cat(rows.Select(r => Row(r, false)).ToArray(), 0);                   // [batch, kv_heads, maxPast, head_dim]
            var values = cat(rows.Select(r => Row(r, true)).ToArray(), 0);
            kvCache.Append(layer, keys, values);
        }
    }

    /// <summary>Copies each row's prompt keys/values (cached prefix, then the new prompt tokens) into its own <see cref="PrefixCache"/>.</summary>
    private static void ExtractPrefixes(KVCache kvCache, IReadOnlyList<StepRow> rows, int maxPast, PrefixCache?[] prefixes, Qwen2ForCausalLM model)
    {
        int layers = kvCache.LayerCount;
        var nothing = zeros([rows.Count, model.Config.NumKeyValueHeads, 0, model.Config.HeadDim], model.DType, model.Device); // [batch, kv_heads, 0, head_dim]
        var keys = new Tensor[layers];
        var values = new Tensor[layers];
        for (int layer = 0; layer < layers; layer++)
        {
            // Appending nothing returns the layer's full keys and values.
            (keys[layer], values[layer]) = kvCache.Append(layer, nothing, nothing);
        }
        for (int b = 0; b < rows.Count; b++)
        {
            int start = maxPast - rows[b].PastLength, length = rows[b].Prompt.Length;
            var rowKeys = keys.Select(t => t.narrow(0, b, 1).narrow(2, start, length).clone().DetachFromDisposeScope()).ToArray();
            var rowValues = values.Select(t => t.narrow(0, b, 1).narrow(2, start, length).clone().DetachFromDisposeScope()).ToArray();
            prefixes[b] = new PrefixCache(rows[b].Prompt, rowKeys, rowValues);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        cache.Dispose();
        LastLogits.Dispose();
        Keep.Dispose();
    }
}
