using IRanker.Model.Checkpoints;
using IRanker.Model.Modeling;
using static TorchSharp.torch;

namespace IRanker.Benchmarks.Gpu;

/// <summary>
/// The golden model checks on a chosen device: the logits and the greedy tokens of each fixture folder (a tiny Qwen2 with
/// the outputs Hugging Face transformers computed for it, see tests/IRanker.Model.Tests/Fixtures/golden/PROVENANCE.md),
/// once in float32 and once with bfloat16 compute.
/// </summary>
/// <remarks>
/// <para>float32: max |logit - reference| over the real (unpadded) positions within <see cref="Float32Tolerance"/> x
/// max |reference logit| there, and the 12 greedy tokens of every row equal to the reference's.</para>
/// <para>bfloat16: the same logits within <see cref="BFloat16Tolerance"/> x max |reference logit|; greedy tokens equal
/// up to the first difference, and a difference is accepted only at a near-tie: where the float32 model, fed the
/// reference's tokens so far, puts the reference's token at most <see cref="NearTieFactor"/> x the largest logit error
/// that bfloat16 showed on the prompt positions of the same case above the token bfloat16 chose (two logits each off by
/// that much can swap no wider a gap). The mean |difference| over real positions must also stay within
/// <see cref="BFloat16MeanTolerance"/> x max |reference logit|. Tokens after an accepted difference are not compared (the prefixes differ).
/// docs/gpu.md gives the reasons for these numbers.</para>
/// </remarks>
internal static class GoldenCheck
{
    public const double Float32Tolerance = 1e-4;
    public const double BFloat16Tolerance = 8e-2;
    public const double BFloat16MeanTolerance = 1e-2;
    public const double NearTieFactor = 2.0;

    public static void Run(string fixtures, Device device, CheckResults results)
    {
        var folders = Directory.GetDirectories(fixtures).Order(StringComparer.Ordinal).ToList();
        if (folders.Count == 0) throw new DirectoryNotFoundException($"No golden fixture folders under '{fixtures}'.");
        foreach (var folder in folders)
        {
            string name = Path.GetFileName(folder);
            results.Guard($"golden-float32 {name}", () => Check(folder, name, device, ScalarType.Float32, results));
            results.Guard($"golden-bfloat16 {name}", () => Check(folder, name, device, ScalarType.BFloat16, results));
        }
    }

    private static void Check(string folder, string name, Device device, ScalarType dtype, CheckResults results)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var reference = OpenReference(folder);
        var ids = reference.Read("input_ids");                                  // [batch, seq], CPU
        var mask = reference.Read("attention_mask");                            // [batch, seq]
        var positions = reference.Read("position_ids");                         // [batch, seq]
        var expected = reference.Read("logits");                                // [batch, seq, vocab], float32
        var expectedTokens = reference.Read("generated_ids");                   // [batch, new]
        int newTokens = (int)expectedTokens.shape[1];

        using var model = Qwen2ForCausalLM.FromPretrained(folder, device, dtype);
        model.eval();
        using var output = model.Forward(ids.to(device), mask.to(device), positions.to(device));
        var logits = output.Logits.to(ScalarType.Float32).cpu();               // [batch, seq, vocab]
        var padded = mask.to(ScalarType.Bool).unsqueeze(-1).logical_not();     // [batch, seq, 1]
        bool finite = logits.masked_fill(padded, 0).isfinite().all().item<bool>();
        double scale = expected.masked_fill(padded, 0).abs().max().item<float>();
        double difference = (logits - expected).abs().masked_fill(padded, 0).max().item<float>();
        double relative = difference / scale;
        long realLogits = mask.sum().item<long>() * expected.shape[2];
        double meanRelative = (logits - expected).abs().masked_fill(padded, 0).sum().item<float>() / realLogits / scale;
        double tolerance = dtype == ScalarType.Float32 ? Float32Tolerance : BFloat16Tolerance;
        bool logitsPass = finite && logits.shape.SequenceEqual(expected.shape) && relative <= tolerance &&
            (dtype == ScalarType.Float32 || meanRelative <= BFloat16MeanTolerance);

        var generated = Greedy(model, ids.to(device), mask.to(device), newTokens);
        var rows = new List<Dictionary<string, object?>>();
        bool tokensPass = true;
        Qwen2ForCausalLM? judge = null;
        try
        {
            for (int b = 0; b < expectedTokens.shape[0]; b++)
            {
                var want = expectedTokens[b].data<long>().Select(x => (int)x).ToArray();
                var got = generated[b];
                int first = Enumerable.Range(0, Math.Min(want.Length, got.Length)).FirstOrDefault(t => want[t] != got[t], -1);
                if (first < 0 && got.Length != want.Length) first = Math.Min(want.Length, got.Length);
                var row = new Dictionary<string, object?> { ["row"] = b, ["first_difference"] = first };
                if (first >= 0)
                {
                    if (dtype == ScalarType.Float32)
                    {
                        tokensPass = false;
                    }
                    else
                    {
                        // Is the difference a near-tie? Ask the float32 model, on the reference's prefix.
                        judge ??= Qwen2ForCausalLM.FromPretrained(folder, device, ScalarType.Float32);
                        double margin = first < got.Length ? Margin(judge, ids[b], mask[b], want, first, got[first], device) : double.PositiveInfinity;
                        double allowed = NearTieFactor * difference;
                        row["float32_margin"] = Math.Round(margin, 6);
                        row["near_tie_limit"] = Math.Round(allowed, 6);
                        if (!(margin <= allowed)) tokensPass = false;
                    }
                }
                rows.Add(row);
            }
        }
        finally
        {
            judge?.Dispose();
        }

        string dtypeName = dtype == ScalarType.Float32 ? "float32" : "bfloat16";
        results.Report($"golden-{dtypeName}", logitsPass && tokensPass, new()
        {
            ["case"] = name, ["device"] = device.ToString(), ["dtype"] = dtypeName,
            ["max_abs_difference"] = Math.Round(difference, 7), ["max_abs_reference_logit"] = Math.Round(scale, 5),
            ["relative_difference"] = Math.Round(relative, 7), ["relative_tolerance"] = tolerance,
            ["mean_relative_difference"] = Math.Round(meanRelative, 7),
            ["mean_relative_tolerance"] = dtype == ScalarType.Float32 ? null : BFloat16MeanTolerance, ["logits_pass"] = logitsPass,
            ["greedy_tokens"] = newTokens, ["greedy_pass"] = tokensPass, ["rows"] = rows,
        });
    }

    /// <summary>
    /// The fixture's reference.safetensors, read by the library's public checkpoint reader: it reads a folder's
    /// model.safetensors, so the reference is linked under that name in a folder of its own.
    /// </summary>
    private static SafeTensorsCheckpoint OpenReference(string folder)
    {
        var linked = Directory.CreateTempSubdirectory("iranker-golden-");
        try
        {
            File.CreateSymbolicLink(Path.Combine(linked.FullName, SafeTensorsCheckpoint.SingleFileName), Path.GetFullPath(Path.Combine(folder, "reference.safetensors")));
            return SafeTensorsCheckpoint.Open(linked.FullName);
        }
        finally
        {
            linked.Delete(recursive: true);   // the open file stays readable
        }
    }

    /// <summary>
    /// The greedy continuation of each row, <paramref name="newTokens"/> tokens with no stop token, as the library's
    /// generator writes it: the prompt once with the cache, then one token at a time, logits in float32, the most likely token.
    /// </summary>
    private static int[][] Greedy(Qwen2ForCausalLM model, Tensor ids, Tensor attentionMask, int newTokens)
    {
        using var noGrad = no_grad();
        long batch = ids.shape[0], seq = ids.shape[1];
        var device = model.Device;
        var tokens = Enumerable.Range(0, (int)batch).Select(_ => new List<int>()).ToArray();
        using var cache = new KVCache(model.Config.NumHiddenLayers);
        using var scope = NewDisposeScope();
        var mask = attentionMask.to(device).to(ScalarType.Int64);                                           // [batch, seq]
        var last = full(batch, seq - 1, dtype: ScalarType.Int64, device: device);                           // [batch]
        Tensor logits;
        using (var output = model.Forward(ids.to(device), mask, cache: cache, logitPositions: last))
            logits = output.Logits.select(1, 0).to(ScalarType.Float32);                                     // [batch, vocab]
        for (int step = 0; step < newTokens; step++)
        {
            var next = logits.argmax(-1);                                                                    // [batch]
            var picked = next.cpu().data<long>().ToArray();
            for (int b = 0; b < batch; b++) tokens[b].Add((int)picked[b]);
            if (step == newTokens - 1) break;
            mask = cat([mask, ones(batch, 1, dtype: ScalarType.Int64, device: device)], 1);                 // [batch, past + 1]
            using var output = model.Forward(next.view(batch, 1), mask, cache: cache);
            logits = output.Logits.select(1, 0).to(ScalarType.Float32);                                     // [batch, vocab]
        }
        return tokens.Select(t => t.ToArray()).ToArray();
    }

    /// <summary>Logit of the reference's token minus that of <paramref name="other"/> after the reference's first
    /// <paramref name="step"/> tokens, in the float32 model.</summary>
    private static double Margin(Qwen2ForCausalLM judge, Tensor rowIds, Tensor rowMask, int[] want, int step, int other, Device device)
    {
        using var scope = NewDisposeScope();
        var prefix = tensor(want.Take(step).Select(t => (long)t).ToArray(), dtype: ScalarType.Int64);        // [step]
        var ids = cat([rowIds.to(ScalarType.Int64), prefix]).unsqueeze(0).to(device);                        // [1, seq + step]
        var mask = cat([rowMask.to(ScalarType.Int64), ones_like(prefix)]).unsqueeze(0).to(device);           // [1, seq + step]
        var last = tensor(new long[] { ids.shape[1] - 1 }, device: device);                                  // [1]
        using var output = judge.Forward(ids, mask, logitPositions: last);
        var logits = output.Logits[0, 0].to(ScalarType.Float32).cpu();                                      // [vocab]
        return logits[want[step]].item<float>() - logits[other].item<float>();
    }
}
