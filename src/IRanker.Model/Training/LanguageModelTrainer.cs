using System.Diagnostics;
using IRanker.Model.Modeling;
using IRanker.Model.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace IRanker.Model.Training;

/// <summary>
/// Next-token training on plain text: the documents are tokenized, each ended by the end-of-text token, joined into one
/// stream and cut into sequences of <see cref="LanguageModelOptions.SequenceLength"/> + 1 tokens; each step predicts
/// every next token of <see cref="LanguageModelOptions.BatchSize"/> sequences (mean cross-entropy), AdamW with warm-up
/// and a decaying learning rate. It gives a model trained from scratch word knowledge before it learns to rank
/// (IRanker-mini's first stage; docs/iranker-mini.md).
/// </summary>
/// <remarks>
/// Resumable: with <see cref="LanguageModelOptions.CheckpointFolder"/> set, the weights, the optimiser's state and the
/// step are written atomically every <see cref="LanguageModelOptions.CheckpointInterval"/> steps, and a new trainer
/// over the same documents continues from the newest checkpoint as the uninterrupted run would have: the stream is
/// deterministic, so step <c>s</c> reads the same sequences either way.
/// </remarks>
/// <example><code>
/// var trainer = new LanguageModelTrainer(model, tokenizer, new LanguageModelOptions { Steps = 2000, CheckpointFolder = "runs/lm" });
/// var summary = trainer.Train(documents);
/// Console.WriteLine($"loss {summary.LastStep?.Loss:F3}");
/// </code></example>
public sealed class LanguageModelTrainer
{
    private readonly Qwen2ForCausalLM _model;
    private readonly TextTokenizer _tokenizer;
    private readonly LanguageModelOptions _options;
    private readonly int _separator;

    /// <param name="model">The model, trained in place.</param>
    /// <param name="tokenizer">Its tokenizer; documents are separated by its <c>&lt;|endoftext|&gt;</c> token, or its padding token if it has none.</param>
    /// <param name="options">The settings (validated here).</param>
    public LanguageModelTrainer(Qwen2ForCausalLM model, TextTokenizer tokenizer, LanguageModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (tokenizer.VocabSize > model.Config.VocabSize)
            throw new ArgumentException($"The tokenizer has {tokenizer.VocabSize} ids but the model's vocabulary is {model.Config.VocabSize}: use the tokenizer the model was made for.", nameof(tokenizer));
        _model = model;
        _tokenizer = tokenizer;
        _options = options;
        _separator = tokenizer.TokenToId(ChatTemplate.EndOfText) ?? tokenizer.PadTokenId;
    }

    /// <summary>Trains for <see cref="LanguageModelOptions.Steps"/> steps (fewer when resuming) on <paramref name="documents"/>.</summary>
    /// <param name="documents">The texts, in order; enough of them for every step (an endless generator is fine: only what the steps need is read).</param>
    /// <param name="progress">Receives every step's metrics.</param>
    /// <param name="cancellationToken">Stops between steps; with a checkpoint folder a checkpoint of the last finished step is written first.</param>
    /// <exception cref="ArgumentException">The documents run out before the last step; the message says how many tokens were needed.</exception>
    /// <exception cref="InvalidOperationException">The loss or the gradients stopped being finite; no step was taken with them.</exception>
    public LanguageModelSummary Train(IEnumerable<string> documents, IProgress<LanguageModelStepMetrics>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var clock = Stopwatch.StartNew();
        var parameters = _model.TrainableParameters().ToList();
        using var optimizer = optim.AdamW(parameters, _options.LearningRate, weight_decay: _options.WeightDecay);
        int start = Resume(optimizer);
        using var sequences = Sequences(documents).GetEnumerator();
        for (int skip = 0; skip < start * _options.BatchSize; skip++) NextSequence(sequences, skip);

        _model.train();
        LanguageModelStepMetrics? last = null;
        string? checkpoint = null;
        int step = start;
        try
        {
            for (; step < _options.Steps; step++)
            {
                if (cancellationToken.IsCancellationRequested) break;
                var stepClock = Stopwatch.StartNew();
                var batch = NextBatch(sequences, _options.BatchSize, step * _options.BatchSize);

                double learningRate = LearningRateScheduler.At(_options.LearningRate, step, _options.Steps, _options.WarmupSteps, _options.Schedule);
                foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;
                optimizer.zero_grad();
                double loss;
                using (var scope = NewDisposeScope())
                {
                    var lossTensor = NextTokenLoss(batch);
                    lossTensor.backward();
                    loss = lossTensor.item<float>();
                }
                double norm = nn.utils.clip_grad_norm_(parameters.Where(p => p.grad is not null).ToList(), _options.MaxGradNorm);
                if (!double.IsFinite(loss) || !double.IsFinite(norm))
                    throw new InvalidOperationException(
                        $"Language-model training diverged at step {step + 1}: loss {loss}, gradient norm {norm}. The optimiser step was not taken; " +
                        (_options.CheckpointFolder is null ? "no checkpoint folder was set. " : $"the newest checkpoint in '{_options.CheckpointFolder}' is the last good state. ") +
                        "Lower LanguageModelOptions.LearningRate.");
                optimizer.step();

                double seconds = stepClock.Elapsed.TotalSeconds;
                last = new LanguageModelStepMetrics(step + 1, _options.Steps, loss, learningRate, norm,
                    _options.BatchSize * _options.SequenceLength / Math.Max(seconds, 1e-9), seconds);
                progress?.Report(last);
                if (_options.CheckpointFolder is { } root && ((step + 1) % _options.CheckpointInterval == 0 || step + 1 == _options.Steps))
                    checkpoint = SaveCheckpoint(root, step + 1, optimizer);
            }
        }
        finally
        {
            _model.eval();
        }
        if (cancellationToken.IsCancellationRequested && _options.CheckpointFolder is { } folder && step > start && (checkpoint is null || !checkpoint.EndsWith(TrainingCheckpoint.FolderName(step), StringComparison.Ordinal)))
            checkpoint = SaveCheckpoint(folder, step, optimizer);
        return new LanguageModelSummary(step - start, start == 0 ? null : start, clock.Elapsed.TotalSeconds, last, checkpoint);
    }

    /// <summary>
    /// The mean next-token loss (nats per token) of the model on the first <paramref name="sequenceCount"/> sequences of
    /// <paramref name="documents"/>, cut as training cuts them; no gradients, the model's mode is kept.
    /// </summary>
    /// <exception cref="ArgumentException">The documents hold fewer tokens than the sequences need.</exception>
    public double Evaluate(IEnumerable<string> documents, int sequenceCount)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceCount, 1);
        bool training = _model.training;
        _model.eval();
        try
        {
            using var _ = no_grad();
            using var sequences = Sequences(documents).GetEnumerator();
            double total = 0;
            for (int done = 0; done < sequenceCount; done += _options.BatchSize)
            {
                int count = Math.Min(_options.BatchSize, sequenceCount - done);
                var batch = NextBatch(sequences, count, done);
                using var scope = NewDisposeScope();
                total += NextTokenLoss(batch).item<float>() * count;
            }
            return total / sequenceCount;
        }
        finally
        {
            if (training) _model.train();
        }
    }

    /// <summary>Mean cross-entropy of every next token of the sequences packed in <paramref name="batch"/>.</summary>
    private Tensor NextTokenLoss(long[] batch)
    {
        int length = _options.SequenceLength + 1;
        var ids = tensor(batch, [batch.Length / length, length], ScalarType.Int64, _model.Device);
        var inputs = ids[.., ..^1];
        var targets = ids[.., 1..];
        using var output = _model.Forward(inputs);
        var logits = output.Logits.to(ScalarType.Float32);
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[2]), targets.reshape(-1));
    }

    /// <summary>The token stream cut into sequences of SequenceLength + 1 tokens.</summary>
    private IEnumerable<long[]> Sequences(IEnumerable<string> documents)
    {
        int length = _options.SequenceLength + 1;
        var buffer = new long[length];
        int filled = 0;
        foreach (var document in documents)
        {
            foreach (int id in _tokenizer.Encode(document).Append(_separator))
            {
                buffer[filled++] = id;
                if (filled < length) continue;
                yield return buffer;
                buffer = new long[length];
                filled = 0;
            }
        }
    }

    /// <summary>The next <paramref name="count"/> sequences, packed row after row; <paramref name="firstIndex"/> numbers them for the error.</summary>
    private long[] NextBatch(IEnumerator<long[]> sequences, int count, int firstIndex)
    {
        int length = _options.SequenceLength + 1;
        var batch = new long[count * length];
        for (int b = 0; b < count; b++) NextSequence(sequences, firstIndex + b).CopyTo(batch, b * length);
        return batch;
    }

    private long[] NextSequence(IEnumerator<long[]> sequences, int index) => sequences.MoveNext() ? sequences.Current
        : throw new ArgumentException(
            $"The documents ran out at sequence {index + 1}: {_options.Steps} steps of {_options.BatchSize} sequences of {_options.SequenceLength + 1} tokens need " +
            $"{(long)_options.Steps * _options.BatchSize * (_options.SequenceLength + 1):N0} tokens. Give more documents, or fewer steps.", "documents");

    private int Resume(TorchSharp.Modules.AdamW optimizer)
    {
        var folder = TrainingCheckpoint.Newest(_options.CheckpointFolder);
        if (folder is null) return 0;
        var state = TrainingCheckpoint.Read(folder);
        using (var saved = Qwen2ForCausalLM.FromPretrained(Path.Combine(folder, TrainingCheckpoint.ModelFolder), _model.Device, _model.DType))
            TrainablePolicy.CopyWeights(saved, _model);
        optimizer.load_state_dict(Path.Combine(folder, TrainingCheckpoint.OptimizerFile));
        if (state.GlobalStep > _options.Steps)
            throw new InvalidDataException($"The checkpoint '{folder}' is at step {state.GlobalStep}, past LanguageModelOptions.Steps ({_options.Steps}). Resume with the Steps of that run or more.");
        return state.GlobalStep;
    }

    private string SaveCheckpoint(string root, int step, TorchSharp.Modules.AdamW optimizer)
    {
        var state = new TrainingCheckpoint { GlobalStep = step };
        var folder = state.Write(root, temp =>
        {
            _model.SavePretrained(Path.Combine(temp, TrainingCheckpoint.ModelFolder));
            optimizer.save_state_dict(Path.Combine(temp, TrainingCheckpoint.OptimizerFile));
        });
        TrainingCheckpoint.Prune(root, _options.KeepCheckpoints);
        return folder;
    }
}

/// <summary>One step of <see cref="LanguageModelTrainer"/>.</summary>
/// <param name="Step">1-based step.</param>
/// <param name="TotalSteps">Steps of the run.</param>
/// <param name="Loss">Mean next-token cross-entropy of the step's batch (nats).</param>
/// <param name="LearningRate">The step's learning rate.</param>
/// <param name="GradientNorm">The gradients' norm before clipping.</param>
/// <param name="TokensPerSecond">Predicted tokens per second of the step.</param>
/// <param name="Seconds">Wall time of the step.</param>
public sealed record LanguageModelStepMetrics(int Step, int TotalSteps, double Loss, double LearningRate, double GradientNorm, double TokensPerSecond, double Seconds);

/// <summary>What <see cref="LanguageModelTrainer.Train"/> did.</summary>
/// <param name="Steps">Steps run in this call.</param>
/// <param name="ResumedFromStep">The step of the checkpoint the run resumed from, or null.</param>
/// <param name="Seconds">Wall time of the call.</param>
/// <param name="LastStep">Metrics of the last step, or null when none ran.</param>
/// <param name="LastCheckpoint">The newest checkpoint written, or null.</param>
public sealed record LanguageModelSummary(int Steps, int? ResumedFromStep, double Seconds, LanguageModelStepMetrics? LastStep, string? LastCheckpoint);
