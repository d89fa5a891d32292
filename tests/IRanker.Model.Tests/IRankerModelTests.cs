using IRanker.Model.Elimination;
using IRanker.Model.Prompts;
using static IRanker.Model.Tests.Elimination.TinyRankerModels;

namespace IRanker.Model.Tests;

public class IRankerModelTests
{
    [Fact]
    public void A_saved_and_loaded_model_ranks_exactly_as_before()
    {
        using var model = Random(seed: 11);
        var queries = MixedQueries();
        var before = new IterativeRanker(model).Rank(queries);
        InSavedFolder(model, folder =>
        {
            using var loaded = IRankerModel.Load(folder);

            File.Exists(Path.Combine(folder, IRankerModel.SettingsFileName)).Should().BeTrue();
            loaded.Tokenizer.VocabSize.Should().Be(model.Tokenizer.VocabSize);
            var after = new IterativeRanker(loaded).Rank(queries);
            for (int q = 0; q < queries.Count; q++)
            {
                after[q].Order.Should().Equal(before[q].Order);
                after[q].Steps.Select(s => s.Confidence).Should().Equal(before[q].Steps.Select(s => s.Confidence));
            }
        });
    }

    [Fact]
    public void The_same_corpus_and_seed_create_the_same_model()
    {
        using var first = Random(seed: 12);
        using var second = Random(seed: 12);
        using var other = Random(seed: 13);

        first.Model.LmHeadWeight.equal(second.Model.LmHeadWeight).all().item<bool>().Should().BeTrue();
        first.Model.LmHeadWeight.equal(other.Model.LmHeadWeight).all().item<bool>().Should().BeFalse();
        first.Tokenizer.Decode(first.Tokenizer.Encode("passage 7</answer>")).Should().Be("passage 7</answer>");
    }

    [Fact]
    public void A_compact_style_model_keeps_its_style_through_save_and_load()
    {
        using var model = Random(seed: 15, style: PromptStyle.Compact);
        var queries = MixedQueries();
        var before = new IterativeRanker(model).Rank(queries);
        InSavedFolder(model, folder =>
        {
            using var loaded = IRankerModel.Load(folder);

            loaded.Style.Should().Be(PromptStyle.Compact);
            loaded.TemplateFor(queries[2]).BuildStep(queries[2], [0, 1]).Text.Should().NotContain("<|im_start|>");
            var after = new IterativeRanker(loaded).Rank(queries);
            for (int q = 0; q < queries.Count; q++)
                after[q].Steps.Select(s => s.Confidence).Should().Equal(before[q].Steps.Select(s => s.Confidence));

            // A settings file written before styles existed has none: the chat style.
            File.WriteAllText(Path.Combine(folder, IRankerModel.SettingsFileName), """{ "format": "IRanker.Model", "version": 1, "template": null }""");
            using var old = IRankerModel.Load(folder);
            old.Style.Should().Be(PromptStyle.Chat);

            File.WriteAllText(Path.Combine(folder, IRankerModel.SettingsFileName), """{ "format": "IRanker.Model", "version": 1, "template": null, "style": "Terse" }""");
            var unknown = () => IRankerModel.Load(folder);
            unknown.Should().Throw<InvalidDataException>().WithMessage($"*{IRankerModel.SettingsFileName}*'Terse'*Chat or Compact*");
        });
    }

    [Fact]
    public void The_choice_scoring_is_kept_through_save_and_load_and_a_file_without_it_scores_full_sequences()
    {
        using var model = Random(seed: 16, style: PromptStyle.Compact);
        model.ChoiceScoring = ChoiceScoring.UniquePrefix;
        var queries = MixedQueries();
        var before = new IterativeRanker(model).Rank(queries);
        InSavedFolder(model, folder =>
        {
            string settings = Path.Combine(folder, IRankerModel.SettingsFileName);
            File.ReadAllText(settings).Should().Contain("\"choiceScoring\": \"UniquePrefix\"").And.Contain("\"version\": 2",
                "a reader of version 1 would take it for full sequences; version 2 makes it refuse the file instead");
            using (var loaded = IRankerModel.Load(folder))
            {
                loaded.ChoiceScoring.Should().Be(ChoiceScoring.UniquePrefix);
                var after = new IterativeRanker(loaded).Rank(queries);
                for (int q = 0; q < queries.Count; q++)
                    after[q].Steps.Select(s => s.Confidence).Should().Equal(before[q].Steps.Select(s => s.Confidence));
            }

            // A file without it (written before the choice existed, or with FullSequence) scores full sequences, and a
            // FullSequence model's file stays as it was.
            File.WriteAllText(settings, """{ "format": "IRanker.Model", "version": 1, "template": null, "style": "Compact" }""");
            using (var old = IRankerModel.Load(folder))
            {
                old.ChoiceScoring.Should().Be(ChoiceScoring.FullSequence);
                old.Save(folder);
                File.ReadAllText(settings).Should().NotContain("choiceScoring").And.Contain("\"version\": 1");
            }

            File.WriteAllText(settings, """{ "format": "IRanker.Model", "version": 2, "template": null, "choiceScoring": "FirstToken" }""");
            var unknown = () => IRankerModel.Load(folder);
            unknown.Should().Throw<InvalidDataException>().WithMessage($"*{IRankerModel.SettingsFileName}*'FirstToken'*FullSequence or UniquePrefix*");
        });
    }

    [Fact]
    public void A_damaged_settings_file_is_reported_with_its_path()
    {
        using var model = Random(seed: 14);
        InSavedFolder(model, folder =>
        {
            File.WriteAllText(Path.Combine(folder, IRankerModel.SettingsFileName), "{ not json");

            var act = () => IRankerModel.Load(folder);

            act.Should().Throw<InvalidDataException>().WithMessage($"*{IRankerModel.SettingsFileName}*");
        });
    }

    /// <summary>Saves <paramref name="model"/> to a new temporary folder, runs <paramref name="test"/> on it, and deletes the folder.</summary>
    private static void InSavedFolder(IRankerModel model, Action<string> test)
    {
        var folder = Path.Combine(Path.GetTempPath(), "iranker-model-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            model.Save(folder);
            test(folder);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
