using IRanker.Model.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace IRanker.Model.Step;

/// <summary>
/// One forward pass over a batch of step prompts, each continuing its list's cached prefix, with every candidate
/// continuation (branch) of a row scored in the same pass. Ranking and training both run their steps through it: with
/// gradients on (training) the scores are differentiable.
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
/// tokens. Logits are projected only where a score needs them, and log-probs are taken in float32.</para>
/// </remarks>
internal sealed class StepForward : IDisposable
{
    private readonly Tensor branchLogProbs;
    private float[][]? branchArrays;

    private StepForward(KVCache? cache, Tensor lastLogits, Tensor keep, Tensor hidden, Tensor branchLogProbs, int[] branchCounts,
        Tensor? promptLoss, PrefixCache?[] prefixes)
    {
        Cache = cache;
        LastLogits = lastLogits;
        Keep = keep;
        Hidden = hidden;
        this.branchLogProbs = branchLogProbs;
        BranchCounts = branchCounts;
        PromptLoss = promptLoss;
        Prefixes = prefixes;
        // Built inside Run's dispose scope: the views leave it with the other results.
        int start = 0;
        BranchLogProbs = branchCounts.Select(n => { var t = branchLogProbs.narrow(0, start, n).MoveToOuterDisposeScope(); start += n; return t; }).ToArray();
    }

    /// <summary>Float32 logits at each row's last prompt token, [batch, vocab].</summary>
    public Tensor LastLogits { get; }

    /// <summary>Columns of <see cref="Cache"/> that continued decoding may attend to (cached prefix and prompt, not padding or branches), [batch, columns], int64 0/1.</summary>
    public Tensor Keep { get; }

    /// <summary>The filled key/value cache, for decoding after the prompt (when asked for); owned by this object.</summary>
    public KVCache? Cache { get; }

    /// <summary>The last hidden state at each row's last prompt token (where the answer starts), [batch, hidden].</summary>
    public Tensor Hidden { get; }

    /// <summary>Per row, [m]: the log-probability of each branch (sum over its tokens), float32.</summary>
    public Tensor[] BranchLogProbs { get; }

    /// <summary>Per row, how many branches it had.</summary>
    public int[] BranchCounts { get; }

    /// <summary>The mean next-token loss over the new prompt tokens of all rows (when asked for), [].</summary>
    public Tensor? PromptLoss { get; }

    /// <summary>Per row, the cache of its prompt (when asked for); ownership passes to the caller.</summary>
    public PrefixCache?[] Prefixes { get; }

    /// <summary><see cref="BranchLogProbs"/> on the host, copied once.</summary>
    public float[][] BranchLogProbArrays()
    {
        if (branchArrays is not null) return branchArrays;
        var flat = branchLogProbs.detach().cpu().data<float>().ToArray();
        int start = 0;
        branchArrays = BranchCounts.Select(n => { var a = flat.AsSpan(start, n).ToArray(); start += n; return a; }).ToArray();
        return branchArrays;
    }

    /// <summary>Runs <paramref name="rows"/> through <paramref name="model"/>; differentiable when gradients are on.</summary>
    /// <param name="model">The model.</param>
    /// <param name="rows">One row per list.</param>
    /// <param name="padTokenId">Token fed at padded positions (masked out).</param>
    /// <param name="options">What to keep besides the scores.</param>
    public static StepForward Run(Qwen2ForCausalLM model, IReadOnlyList<StepRow> rows, int padTokenId, StepForwardOptions options)
    {
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
        var layouts = new RowLayout[batch];
        for (int b = 0; b < batch; b++)
            layouts[b] = Layout(rows[b], b, maxPast, maxNew, total, padTokenId, ids, positions, groups, keep, options.PromptLoss);
        for (int b = 0; b < batch; b++) pastStart[b] = maxPast - rows[b].PastLength;
        int k = layouts.Max(l => l.Positions.Count);

        var inputIds = tensor(ids, [batch, maxNew], device: device);                        // [batch, new]
        var positionIds = tensor(positions, [batch, maxNew], device: device);               // [batch, new]
        var mask = BranchLayout.Mask(tensor(groups, [batch, maxNew], device: device), tensor(pastStart, [batch], device: device), maxPast); // [batch, 1, new, past + new]
        var keepMask = tensor(keep, [batch, total], device: device);                        // [batch, past + new]

        bool needCache = maxPast > 0 || options.KeepCache || options.KeepPrefixes;
        var kvCache = needCache ? new KVCache(config.NumHiddenLayers) : null;
        try
        {
            if (maxPast > 0) SeedPast(kvCache!, rows, maxPast, model);
            var hidden = model.Decoder.ForwardWithMask(inputIds, positionIds, mask, kvCache);               // [batch, new, hidden]

            var gatherIndex = new long[batch * k];
            for (int b = 0; b < batch; b++)
                for (int j = 0; j < k; j++) gatherIndex[b * k + j] = j < layouts[b].Positions.Count ? layouts[b].Positions[j] : 0;
            var index = tensor(gatherIndex, [batch, k], device: device);                    // [batch, k]
            var selected = hidden.gather(1, index.unsqueeze(-1).expand(-1, -1, hidden.shape[2])); // [batch, k, hidden]
            var logits = nn.functional.linear(selected, model.LmHeadWeight).to(ScalarType.Float32); // [batch, k, vocab]
            var lastLogits = logits.select(1, 0).contiguous();                              // [batch, vocab]
            var lastHidden = selected.select(1, 0);                                         // [batch, hidden]
            var (branchScores, promptLoss) = Scores(rows, layouts, logits, options.PromptLoss);

            var prefixes = new PrefixCache?[batch];
            if (options.KeepPrefixes) ExtractPrefixes(kvCache!, rows, maxPast, prefixes, model);
            if (!options.KeepCache) { kvCache?.Dispose(); kvCache = null; }
            return new StepForward(kvCache, lastLogits.MoveToOuterDisposeScope(), keepMask.MoveToOuterDisposeScope(), lastHidden.MoveToOuterDisposeScope(),
                branchScores.MoveToOuterDisposeScope(), rows.Select(r => r.Branches.Count).ToArray(), promptLoss?.MoveToOuterDisposeScope(), prefixes);
        }
        catch
        {
            kvCache?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Where row b's needed logits are (new-token indices, the last prompt token first) and what each gathered slot
    /// predicts: every branch token, and with the prompt loss every prompt token after the first new one.
    /// </summary>
    private sealed record RowLayout(List<long> Positions, List<(int Slot, long Token, int Branch)> Targets);

    /// <summary>Fills row <paramref name="b"/> of the flat input arrays. A new token's group is 0 for the prompt, c + 1 for branch c and -1 for padding.</summary>
    private static RowLayout Layout(StepRow row, int b, int maxPast, int maxNew, int total, int padTokenId,
        long[] ids, long[] positions, long[] groups, long[] keep, bool promptLoss)
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

        var layout = new RowLayout([promptNew - 1], []);
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
                // Token j is predicted at the last prompt token (j = 0) or at the branch's token j - 1.
                layout.Targets.Add((j == 0 ? 0 : layout.Positions.Count - 1, branch[j], branchIndex));
                if (j < branch.Length - 1) layout.Positions.Add(i);
            }
            next += branch.Length;
        }
        if (promptLoss)
            for (int i = 0; i + 1 < promptNew; i++)
            {
                layout.Positions.Add(i);
                layout.Targets.Add((layout.Positions.Count - 1, row.Prompt[past + i + 1], -1));
            }
        return layout;
    }

    /// <summary>
    /// The branches' sequence log-probs, all rows' branches in one vector [Σ m], and the mean prompt loss; both
    /// differentiable.
    /// </summary>
    private static (Tensor Branches, Tensor? PromptLoss) Scores(IReadOnlyList<StepRow> rows, RowLayout[] layouts, Tensor logits, bool promptLoss)
    {
        long k = logits.shape[1], vocab = logits.shape[2];
        var device = logits.device;
        var flat = new List<long>();
        var owner = new List<long>();
        var isBranch = new List<float>();
        int branchBase = 0;
        for (int b = 0; b < rows.Count; b++)
        {
            foreach (var (slot, token, branch) in layouts[b].Targets)
            {
                flat.Add((b * k + slot) * vocab + token);
                owner.Add(branch >= 0 ? branchBase + branch : 0);
                isBranch.Add(branch >= 0 ? 1 : 0);
            }
            branchBase += rows[b].Branches.Count;
        }
        var branches = zeros(branchBase, dtype: ScalarType.Float32, device: device);       // [Σ m]
        if (flat.Count == 0) return (branches, promptLoss ? zeros(1, device: device).sum() : null);

        var logProbs = logits.log_softmax(-1).view(-1);                                     // [batch * k * vocab]
        var picked = logProbs.index_select(0, tensor(flat.ToArray(), device: device));      // [targets]
        var branchWeight = tensor(isBranch.ToArray(), device: device);                      // [targets]
        branches = branches.scatter_add(0, tensor(owner.ToArray(), device: device), picked * branchWeight);
        if (!promptLoss) return (branches, null);
        var promptWeight = 1 - branchWeight;                                                // [targets]
        var loss = -(picked * promptWeight).sum() / promptWeight.sum().clamp_min(1.0);      // []
        return (branches, loss);
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
            var rowKeys = keys.Select(t => t.narrow(0, b, 1).narrow(2, start, length).detach().clone().DetachFromDisposeScope()).ToArray();
            var rowValues = values.Select(t => t.narrow(0, b, 1).narrow(2, start, length).detach().clone().DetachFromDisposeScope()).ToArray();
            prefixes[b] = new PrefixCache(rows[b].Prompt, rowKeys, rowValues);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Cache?.Dispose();
        LastLogits.Dispose();
        Keep.Dispose();
        Hidden.Dispose();
        branchLogProbs.Dispose();
        foreach (var t in BranchLogProbs) t.Dispose();
        PromptLoss?.Dispose();
    }
}
