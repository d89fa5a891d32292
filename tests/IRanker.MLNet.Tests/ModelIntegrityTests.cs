using System.IO.Compression;
using System.Text;
using IRanker.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace IRanker.MLNet.Tests;

/// <summary>The model zip carries a SHA-256 digest of every stored file and of the settings; a damaged zip is a named error.</summary>
public sealed class ModelIntegrityTests
{
    private static (MLContext MLContext, IDataView Data, float[] Scores, byte[] Zip) SavedModel()
    {
        var mlContext = Pipelines.Context(out _);
        IDataView data = mlContext.Data.LoadFromEnumerable(PassageData.Rows(groups: 4, seed: 17));
        var model = Pipelines.Pipeline(mlContext, Pipelines.Options()).Fit(data);
        using var stream = new MemoryStream();
        mlContext.Model.Save(model, data.Schema, stream);
        return (mlContext, data, model.Transform(data).GetColumn<float>("Score").ToArray(), stream.ToArray());
    }

    /// <summary>Rewrites the zip entry whose name ends with <paramref name="suffix"/> (or deletes it when <paramref name="change"/> returns null).</summary>
    private static byte[] Edit(byte[] zip, string suffix, Func<byte[], byte[]?> change)
    {
        using var stream = new MemoryStream();
        stream.Write(zip);
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            // The IRanker transformer's folder in the zip: the one with the digest list (MapValueToKey has a Model.key too).
            string folder = archive.Entries.Single(e => e.FullName.EndsWith("EngineDigests", StringComparison.Ordinal)).FullName[..^"EngineDigests".Length];
            var entry = archive.Entries.Single(e => e.FullName == folder + suffix);
            byte[] content;
            using (var read = entry.Open()) { using var copy = new MemoryStream(); read.CopyTo(copy); content = copy.ToArray(); }
            string name = entry.FullName;
            entry.Delete();
            if (change(content) is { } changed)
            {
                using var write = archive.CreateEntry(name).Open();
                write.Write(changed);
            }
        }
        return stream.ToArray();
    }

    private static byte[] FlipBit(byte[] content, int index)
    {
        var copy = (byte[])content.Clone();
        copy[index] ^= 0x10;
        return copy;
    }

    private static ITransformer Load(MLContext mlContext, byte[] zip) => mlContext.Model.Load(new MemoryStream(zip), out _);

    private static ModelIntegrityException Damage(Action load)
    {
        var error = load.Should().Throw<Exception>().Which;
        return error.GetBaseException() as ModelIntegrityException
            ?? throw new Xunit.Sdk.XunitException($"expected a {nameof(ModelIntegrityException)}, got: {error}");
    }

    [Fact]
    public void A_flipped_bit_in_a_stored_file_is_a_named_error()
    {
        var (mlContext, _, _, zip) = SavedModel();
        // EngineFile0 holds an 8-byte length, then the lexical engine's weights file.
        var damaged = Edit(zip, "EngineFile0", content => FlipBit(content, 8 + content.Length / 2));

        var error = Damage(() => Load(mlContext, damaged));

        error.FileName.Should().Be("lexical-weights.tsv");
        error.Message.Should().StartWith("The IRanker model in this zip is damaged: file 'lexical-weights.tsv' does not match the SHA-256 digest written when the model was saved");
    }

    [Fact]
    public void A_damaged_length_prefix_names_the_file_instead_of_reporting_a_short_file()
    {
        var (mlContext, _, _, zip) = SavedModel();
        var shorter = Edit(zip, "EngineFile0", content => FlipBit(content, 0));   // the length's low byte

        Damage(() => Load(mlContext, shorter)).FileName.Should().Be("lexical-weights.tsv");
    }

    [Fact]
    public void Changed_options_are_a_named_error()
    {
        var (mlContext, _, _, zip) = SavedModel();
        var damaged = Edit(zip, "Model.key", content =>
        {
            // The options JSON is stored as UTF-8 in the main stream; one digit of the seed changes.
            int at = IndexOf(content, Encoding.UTF8.GetBytes("\"Seed\": 0"));
            at.Should().BePositive();
            content[at + 8] = (byte)'1';
            return content;
        });

        var error = Damage(() => Load(mlContext, damaged));

        error.FileName.Should().Be(ModelIntegrityException.SettingsName);
        error.Message.Should().Contain("its settings (engine name, training options, file list) do not match");
    }

    [Fact]
    public void A_missing_digest_list_is_a_named_error()
    {
        var (mlContext, _, _, zip) = SavedModel();
        var damaged = Edit(zip, "EngineDigests", _ => null);
        Damage(() => Load(mlContext, damaged)).Message.Should().Contain("its 'EngineDigests' entry is missing");
    }

    [Fact]
    public void A_zip_of_the_first_format_loads_without_a_check_and_scores_the_same()
    {
        var (mlContext, data, scores, zip) = SavedModel();
        // Format 1.1 is format 1.2 without the digest stream (and 1.2 is 1.3 with four settings elsewhere in the
        // options, which a 1.3 layout leaves where they are): its header says version 1.1 written, 1.1 readable.
        var oldHeader = Edit(zip, "Model.key", content =>
        {
            byte[] versions = [3, 0, 1, 0, 3, 0, 1, 0];   // two uints: written 0x00010003, readable 0x00010003
            int at = IndexOf(content, versions);
            at.Should().BePositive("the header holds the versions");
            content[at] = 1;
            content[at + 4] = 1;
            return content;
        });
        var firstFormat = Edit(oldHeader, "EngineDigests", _ => null);

        var loaded = Load(mlContext, firstFormat);

        loaded.Transform(data).GetColumn<float>("Score").Should().Equal(scores);
    }

    [Fact]
    public void An_intact_zip_loads_and_scores_the_same()
    {
        var (mlContext, data, scores, zip) = SavedModel();
        Load(mlContext, zip).Transform(data).GetColumn<float>("Score").Should().Equal(scores);
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        return -1;
    }
}
