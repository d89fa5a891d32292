using IRanker.Model.Runtime;
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
/// <para>Where asked for (<see cref="StepForwardOptions.TokenTemperature"/>), the same logits also give each branch
/// token's log-probability at a temperature, its entropy and the hidden state that predicts it
/// (<see cref="Tokens"/>): a written answer is scored as a step with one branch.</para>
/// </remarks>
internal sealed class StepForward : IDisposable
{
    private readonly Tensor branchLogProbs;
    private float[][]? branchArrays;

    private StepForward(KVCache? cache, Tensor lastLogits, Tensor keep, Tensor hidden, Tensor pointHidden, Tensor branchLogProbs, int[] branchCounts,
        int[] pointCounts, long newTokens, Tensor? promptLoss, PrefixCache?[] prefixes, BranchTokens? tokens)
    {
        Tokens = tokens;
        NewTokens = newTokens;
        Cache = cache;
        LastLogits = lastLogits;
        Keep = keep;
        Hidden = hidden;
        PointHidden = pointHidden;
        this.branchLogProbs = branchLogProbs;
        BranchCounts = branchCounts;
        PointCounts = pointCounts;
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

    /// <summary>The last hidden state where each step's answer starts, one per branch point in the order of <see cref="BranchLogProbs"/>, [points, hidden].</summary>
    public Tensor PointHidden { get; }

    /// <summary>
    /// Per step, [m]: the log-probability of each branch (sum over its tokens), float32. The steps are the rows' branch
    /// points in order: row 0's earlier steps and its last step, then row 1's, and so on; a row without earlier steps
    /// has one, so that for such rows the index is the row's.
    /// </summary>
    public Tensor[] BranchLogProbs { get; }

    /// <summary>Per step (as in <see cref="BranchLogProbs"/>), how many branches it had.</summary>
    public int[] BranchCounts { get; }

    /// <summary>Per row, how many steps (branch points) it scored.</summary>
    public int[] PointCounts { get; }

    /// <summary>Real tokens the pass ran: every row's new prompt tokens and branch tokens (<see cref="StepRow.NewTokens"/>), padding not counted.</summary>
    public long NewTokens { get; }

    /// <summary>The mean next-token loss over the new prompt tokens of all rows (when asked for), [].</summary>
    public Tensor? PromptLoss { get; }

    /// <summary>Per-token outputs of every branch (when asked for with <see cref="StepForwardOptions.TokenTemperature"/>).</summary>
    public BranchTokens? Tokens { get; }

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
        var plan = StepBatchLayout.Build(rows, padTokenId, options);
        int batch = plan.Batch, maxPast = plan.MaxPast, maxNew = plan.MaxNew, total = plan.Total, k = plan.Slots;

        var inputIds = tensor(plan.Input.Ids, [batch, maxNew], device: device);                  // [batch, new]
        var positionIds = tensor(plan.Input.Positions, [batch, maxNew], device: device);         // [batch, new]
        var mask = BranchLayout.Mask(tensor(plan.Input.Groups, [batch, maxNew], device: device), tensor(plan.PastStart, [batch], device: device), maxPast,
            tensor(plan.Input.Segments, [batch, maxNew], device: device), tensor(plan.Input.Limits, [batch, maxNew], device: device)); // [batch, 1, new, past + new]
        var keepMask = tensor(plan.Input.Keep, [batch, total], device: device);                  // [batch, past + new]

        bool needCache = maxPast > 0 || options.KeepCache || options.KeepPrefixes;
        var kvCache = needCache ? new KVCache(config.NumHiddenLayers) : null;
        try
        {
            if (maxPast > 0) SeedPast(kvCache!, rows, maxPast, model);
            var hidden = model.Decoder.ForwardWithMask(inputIds, positionIds, mask, kvCache);               // [batch, new, hidden]

            var gatherIndex = new long[batch * k];
            for (int b = 0; b < batch; b++)
                for (int j = 0; j < k; j++) gatherIndex[b * k + j] = j < plan.Sequences[b].Positions.Count ? plan.Sequences[b].Positions[j] : 0;
            var index = tensor(gatherIndex, [batch, k], device: device);                    // [batch, k]
            var selected = hidden.gather(1, index.unsqueeze(-1).expand(-1, -1, hidden.shape[2])); // [batch, k, hidden]
            var logits = nn.functional.linear(selected, model.LmHeadWeight).to(ScalarType.Float32); // [batch, k, vocab]
            var flatSelected = selected.reshape(batch * k, -1);                             // [batch * k, hidden]
            var last = tensor(plan.Rows.Select(l => (long)(l.Sequence * k + l.PointSlots[^1])).ToArray(), device: device); // [rows]
            var points = tensor(plan.Rows.SelectMany(l => l.PointSlots.Select(slot => (long)(l.Sequence * k + slot))).ToArray(), device: device); // [points]
            var lastLogits = logits.reshape(batch * k, -1).index_select(0, last).contiguous(); // [rows, vocab]
            var lastHidden = flatSelected.index_select(0, last);                            // [rows, hidden]
            var pointHidden = flatSelected.index_select(0, points);                         // [points, hidden]
            var (branchScores, promptLoss) = Scores(plan.Sequences, plan.BranchCount, logits, options.PromptLoss);
            var branchLengths = rows.SelectMany(r => Enumerable.Range(0, r.PointCount).SelectMany(p => r.Point(p).Branches.Select(t => t.Length))).ToArray();
            var tokens = options.TokenTemperature is { } temperature ? TokenScores(plan.Sequences, branchLengths, logits, flatSelected, temperature) : null;

            var prefixes = new PrefixCache?[rows.Count];
            if (options.KeepPrefixes) ExtractPrefixes(kvCache!, rows, maxPast, prefixes, model);
            if (!options.KeepCache) { kvCache?.Dispose(); kvCache = null; }
            var branchCounts = rows.SelectMany(r => Enumerable.Range(0, r.PointCount).Select(p => r.Point(p).Branches.Count)).ToArray();
            return new StepForward(kvCache, lastLogits.MoveToOuterDisposeScope(), keepMask.MoveToOuterDisposeScope(), lastHidden.MoveToOuterDisposeScope(),
                pointHidden.MoveToOuterDisposeScope(), branchScores.MoveToOuterDisposeScope(), branchCounts, rows.Select(r => r.PointCount).ToArray(),
                rows.Sum(r => (long)r.NewTokens), promptLoss?.MoveToOuterDisposeScope(), prefixes,
                tokens is null ? null : new BranchTokens(tokens.LogProbs.MoveToOuterDisposeScope(), tokens.Entropy.MoveToOuterDisposeScope(),
                    tokens.Hidden.MoveToOuterDisposeScope(), tokens.Mask.MoveToOuterDisposeScope()));
        }
        catch
        {
            kvCache?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The branches' sequence log-probs, all steps' branches in one vector [Σ m], and the mean prompt loss; both
    /// differentiable.
    /// </summary>
    private static (Tensor Branches, Tensor? PromptLoss) Scores(StepBatchLayout.SequenceLayout[] layouts, int branchCount, Tensor logits, bool promptLoss)
    {
        long k = logits.shape[1], vocab = logits.shape[2];
        var device = logits.device;
        var flat = new List<long>();
        var owner = new List<long>();
        var isBranch = new List<float>();
        var renormalize = new List<int[]?>();
        for (int b = 0; b < layouts.Length; b++)
        {
            int first = flat.Count;
            foreach (var (slot, token, branch) in layouts[b].Targets)
            {
                flat.Add((b * k + slot) * vocab + token);
                owner.Add(branch >= 0 ? branch : 0);
                isBranch.Add(branch >= 0 ? 1 : 0);
            }
            renormalize.AddRange(layouts[b].Renormalize.Select(r => r?.Select(t => first + t).ToArray()));
        }
        var branches = zeros(branchCount, dtype: ScalarType.Float32, device: device);      // [Σ m]
        if (flat.Count == 0) return (branches, promptLoss ? zeros(1, device: device).sum() : null);

        var logProbs = logits.log_softmax(-1).view(-1);                                     // [batch * k * vocab]
        var picked = logProbs.index_select(0, tensor(flat.ToArray(), device: device));      // [targets]
        var branchWeight = tensor(isBranch.ToArray(), device: device);                      // [targets]
        var branchTerms = renormalize.Any(r => r is not null) ? Renormalized(picked, renormalize) : picked;   // [targets]
        if (branchCount > 0) branches = branches.scatter_add(0, tensor(owner.ToArray(), device: device), branchTerms * branchWeight);
        if (!promptLoss) return (branches, null);
        var promptWeight = branchWeight.neg().Plus(1L);                                                // [targets]
        var loss = -(picked * promptWeight).sum() / promptWeight.sum().clamp_min(NativeScalars.One);      // []
        return (branches, loss);
    }

    /// <summary>
    /// <paramref name="picked"/> with each target that has siblings (<see cref="StepBatchLayout.SequenceLayout.Renormalize"/>)
    /// renormalised over them: <c>log p(token) - log Σ_siblings p(sibling)</c>, the log-probability of the token among the
    /// tokens the remaining candidates allow there (<see cref="ChoiceScoring.UniquePrefix"/>); other targets unchanged.
    /// Differentiable.
    /// </summary>
    /// <param name="picked">[targets] the targets' log-probabilities.</param>
    /// <param name="renormalize">Per target, its siblings' target indices (itself among them), or null.</param>
    private static Tensor Renormalized(Tensor picked, IReadOnlyList<int[]?> renormalize)
    {
        int count = renormalize.Count, width = renormalize.Max(r => r?.Length ?? 1);
        long none = count, zero = count + 1;                                                 // -inf (padding) and 0 (no renormalising)
        var index = new long[count * width];
        for (int t = 0; t < count; t++)
        {
            var siblings = renormalize[t];
            for (int c = 0; c < width; c++)
                index[t * width + c] = siblings is null ? (c == 0 ? zero : none) : c < siblings.Length ? siblings[c] : none;
        }
        var extended = cat([picked, tensor(new[] { float.NegativeInfinity, 0f }, device: picked.device)]);   // [targets + 2]
        var normalizer = extended.index_select(0, tensor(index, device: picked.device)).view(count, width).logsumexp(1);   // [targets]
        return picked - normalizer;
    }

    /// <summary>
    /// Every branch token's log-probability under <c>log_softmax(logits / temperature)</c>, the entropy there and the
    /// hidden state that predicts it, one row per branch (<paramref name="branchLengths"/>, in the forward's order),
    /// padded to the longest; differentiable. The branches' sequence log-probs (<see cref="Scores"/>) do not use these.
    /// </summary>
    private static BranchTokens TokenScores(StepBatchLayout.SequenceLayout[] layouts, int[] branchLengths, Tensor logits, Tensor flatSelected, double temperature)
    {
        long k = logits.shape[1], vocab = logits.shape[2];
        var device = logits.device;
        int branches = branchLengths.Length;
        int width = Math.Max(1, branchLengths.DefaultIfEmpty(0).Max());
        var slots = new List<long>();
        var targets = new List<long>();
        var cells = new List<long>();
        var seen = new int[branches];
        var mask = new float[branches * width];
        for (int b = 0; b < layouts.Length; b++)
        {
            // A branch's targets come in token order, so the n-th target of a branch predicts its token n.
            foreach (var (slot, token, branch) in layouts[b].Targets)
            {
                if (branch < 0) continue;
                long cell = (long)branch * width + seen[branch]++;
                slots.Add(b * k + slot);
                targets.Add(token);
                cells.Add(cell);
                mask[cell] = 1;
            }
        }
        var shape = new long[] { branches, width };
        var logProbs = zeros(shape, ScalarType.Float32, device);                             // [branches, T]
        var entropy = zeros(shape, ScalarType.Float32, device);                              // [branches, T]
        var hidden = zeros([branches, width, flatSelected.shape[1]], flatSelected.dtype, device); // [branches, T, hidden]
        var maskTensor = tensor(mask, shape, device: device);                                // [branches, T]
        if (slots.Count == 0) return new BranchTokens(logProbs, entropy, hidden, maskTensor);

        var at = tensor(slots.ToArray(), device: device);                                   // [targets]
        var into = tensor(cells.ToArray(), device: device);                                 // [targets]
        var scaled = (logits.reshape(-1, vocab).index_select(0, at).DividedBy(temperature)).log_softmax(-1); // [targets, vocab]
        var picked = scaled.gather(1, tensor(targets.ToArray(), device: device).unsqueeze(1)).squeeze(1); // [targets]
        var spread = -(scaled.exp() * scaled).sum(-1);                                      // [targets]
        logProbs = logProbs.view(-1).index_copy(0, into, picked).view(shape);
        entropy = entropy.view(-1).index_copy(0, into, spread).view(shape);
        hidden = hidden.view(branches * width, -1).index_copy(0, into, flatSelected.index_select(0, at)).view(branches, width, -1);
        return new BranchTokens(logProbs, entropy, hidden, maskTensor);
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
        PointHidden.Dispose();
        PromptLoss?.Dispose();
        Tokens?.Dispose();
    }
}
