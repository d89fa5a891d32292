using IRanker.Model.Modeling;
using static TorchSharp.torch;

namespace IRanker.Model.Training;

/// <summary>What <see cref="BranchScorer"/> computes for a batch of (prompt, candidate IDs) items.</summary>
/// <param name="SequenceLogProbs">Per item, [m]: the log-probability (temperature 1) of each candidate's whole ID sequence after the prompt.</param>
/// <param name="Hidden">Per item, [H]: the last hidden state at the last prompt token (where the answer starts).</param>
/// <param name="PromptLanguageModelLoss">Mean next-token loss over the prompt tokens of the batch, where asked for; else null.</param>
internal sealed record BranchScores(Tensor[] SequenceLogProbs, Tensor[] Hidden, Tensor? PromptLanguageModelLoss);

/// <summary>
/// Scores every candidate ID of a prompt in one differentiable forward pass: the row holds the prompt followed by
/// all candidates' ID tokens as branches (<see cref="BranchLayout"/>), so m multi-token IDs cost the prompt once
/// plus their own tokens, not m copies of the prompt.
/// </summary>
internal static class BranchScorer
{
    public static BranchScores Score(Qwen2ForCausalLM model, IReadOnlyList<(int[] Prompt, int[][] Branches)> items, int padId, bool promptLanguageModelLoss)
    {
        int r = items.Count;
        int length = items.Max(x => x.Prompt.Length + x.Branches.Sum(b => b.Length));
        var ids = new long[r * length];
        var positions = new long[r * length];
        var groups = new long[r * length];
        // Per row: the positions whose logits are needed, the token each must predict, and where the result goes
        // (>= 0: global branch index; -1: prompt language-model term).
        var at = new List<long>[r];
        var targets = new List<long>[r];
        var owners = new List<long>[r];
        int branchBase = 0;
        for (int i = 0; i < r; i++)
        {
            var (prompt, branches) = items[i];
            at[i] = []; targets[i] = []; owners[i] = [];
            for (int t = 0; t < length; t++)
            {
                ids[i * length + t] = padId;
                groups[i * length + t] = -1;
            }
            for (int t = 0; t < prompt.Length; t++)
            {
                ids[i * length + t] = prompt[t];
                positions[i * length + t] = t;
                groups[i * length + t] = 0;
                if (promptLanguageModelLoss && t + 1 < prompt.Length)
                {
                    at[i].Add(t); targets[i].Add(prompt[t + 1]); owners[i].Add(-1);
                }
            }
            int next = prompt.Length;
            for (int c = 0; c < branches.Length; c++)
            {
                for (int j = 0; j < branches[c].Length; j++)
                {
                    int k = next + j;
                    ids[i * length + k] = branches[c][j];
                    positions[i * length + k] = prompt.Length + j;
                    groups[i * length + k] = c + 1;
                    at[i].Add(j == 0 ? prompt.Length - 1 : k - 1);
                    targets[i].Add(branches[c][j]);
                    owners[i].Add(branchBase + c);
                }
                next += branches[c].Length;
            }
            branchBase += branches.Length;
        }

        int width = at.Max(a => a.Count);
        var gather = new long[r * width];
        var target = new long[r * width];
        var owner = new long[r * width];
        var isBranch = new float[r * width];
        var isPrompt = new float[r * width];
        for (int i = 0; i < r; i++)
            for (int k = 0; k < width; k++)
            {
                int f = i * width + k;
                if (k < at[i].Count)
                {
                    gather[f] = at[i][k]; target[f] = targets[i][k]; owner[f] = Math.Max(0, owners[i][k]);
                    isBranch[f] = owners[i][k] >= 0 ? 1 : 0;
                    isPrompt[f] = owners[i][k] < 0 ? 1 : 0;
                }
            }

        var device = model.Device;
        var inputIds = tensor(ids, device: device).reshape(r, length);                    // [R, L]
        var positionIds = tensor(positions, device: device).reshape(r, length);           // [R, L]
        var mask = BranchLayout.Mask(tensor(groups, device: device).reshape(r, length), null, 0); // [R, 1, L, L]
        var hidden = model.Decoder.ForwardWithMask(inputIds, positionIds, mask, null);   // [R, L, H]
        long h = hidden.shape[2];

        var index = tensor(gather, device: device).reshape(r, width);                     // [R, K]
        var selected = hidden.gather(1, index.unsqueeze(-1).expand(-1, -1, h));           // [R, K, H]
        var logits = nn.functional.linear(selected, model.LmHeadWeight).to(ScalarType.Float32); // [R, K, V]
        var logp = logits.log_softmax(-1)
            .gather(2, tensor(target, device: device).reshape(r, width, 1)).squeeze(-1); // [R, K]

        var branchWeight = tensor(isBranch, device: device).reshape(r, width);            // [R, K]
        var perBranch = zeros(branchBase, dtype: ScalarType.Float32, device: device)
            .scatter_add(0, tensor(owner, device: device), (logp * branchWeight).view(-1)); // [branches]

        var last = tensor(items.Select(x => (long)x.Prompt.Length - 1).ToArray(), device: device); // [R]
        var lastHidden = hidden.gather(1, last.view(r, 1, 1).expand(-1, -1, h)).squeeze(1); // [R, H]

        var sequence = new Tensor[r];
        var hiddenOut = new Tensor[r];
        int start = 0;
        for (int i = 0; i < r; i++)
        {
            sequence[i] = perBranch.narrow(0, start, items[i].Branches.Length);          // [m]
            hiddenOut[i] = lastHidden[i];                                                 // [H]
            start += items[i].Branches.Length;
        }

        Tensor? lm = null;
        if (promptLanguageModelLoss)
        {
            var promptWeight = tensor(isPrompt, device: device).reshape(r, width);        // [R, K]
            lm = -(logp * promptWeight).sum() / promptWeight.sum().clamp_min(1.0);
        }
        return new BranchScores(sequence, hiddenOut, lm);
    }
}
