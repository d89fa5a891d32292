using IRanker.MLNet;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using IRanker.MLNet.Engine;
using IRanker.MLNet.Persistence;
using Microsoft.ML;
using Microsoft.ML.Runtime;

[assembly: LoadableClass(typeof(IRankerTransformer), typeof(IRankerModelFormat), null, typeof(SignatureLoadModel),
    "IRanker Ranking Transformer", IRankerModelFormat.LoaderSignature)]

namespace IRanker.MLNet.Persistence;

/// <summary>
/// Writes an <see cref="IRankerTransformer"/> into an ML.NET model zip and reads it back, the way ML.NET's own
/// transformers do (a versioned main stream plus binary streams), so <c>mlContext.Model.Save/Load</c> just work.
/// </summary>
internal static class IRankerModelFormat
{
    /// <summary>The name ML.NET's component catalog finds the loader by; never change it.</summary>
    internal const string LoaderSignature = "IRankerTransformer";

    /// <summary>
    /// The format version this code writes: 1.3 (1.2 with the options' schedule and order samples in their
    /// <c>Inference</c> object instead of at the top level; <see cref="MigrateOptionsJson"/> reads the older layout).
    /// </summary>
    internal const uint CurrentVersion = 0x00010003;

    /// <summary>The oldest reader that can read what this code writes (a 1.2 reader would miss the moved settings).</summary>
    internal const uint OldestReaderVersion = 0x00010003;

    /// <summary>The first format version whose options hold every setting in one place.</summary>
    internal const uint SingleOptionsVersion = 0x00010003;

    /// <summary>The first format version with the digest stream; older zips load without an integrity check.</summary>
    internal const uint DigestVersion = 0x00010002;

    /// <summary>The oldest format version this code reads.</summary>
    internal const uint OldestReadableVersion = 0x00010001;

    /// <summary>The prefix of the binary streams that carry the engine's files.</summary>
    private const string EngineFileStream = "EngineFile";

    /// <summary>The binary stream that carries the SHA-256 digests (format 1.2 and later).</summary>
    private const string DigestStream = "EngineDigests";

    // *** Binary format ***
    // Main stream (after ML.NET's model header; versions 0x00010001 to 0x00010003):
    //   int:    id of the engine's name in the string table (e.g. "iranker")
    //   string: the trainer's options as JSON (BinaryWriter string: 7-bit length, UTF-8); before 0x00010003 with
    //           Schedule, OrderSamples, TaskWeights and ShuffleCandidates at the top level (see MigrateOptionsJson)
    //   int:    N, the number of files in the engine's folder
    //   N x string: each file's path relative to that folder, '/'-separated, in ordinal order
    // Binary stream "EngineFile<i>" for i in 0..N-1 (zip entries beside the main stream):
    //   long:   the length L of file i in bytes
    //   byte[L]: its content
    // Binary stream "EngineDigests" (0x00010002 and later; a 1.1 reader ignores it): see ModelDigests. Every load of a
    // 1.2 zip checks the settings (engine name + options + file list) and every file against it; .NET's zip reader does
    // not check the zip's CRC-32, so this is what catches a damaged zip.
    internal static VersionInfo GetVersionInfo() => new(
        modelSignature: "IRANKERT",
        verWrittenCur: CurrentVersion,
        verReadableCur: OldestReaderVersion,
        verWeCanReadBack: OldestReadableVersion,
        loaderAssemblyName: typeof(IRankerModelFormat).Assembly.FullName,
        loaderSignature: LoaderSignature);

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>A deep copy of <paramref name="options"/>, as saving and loading would give it (never-saved members left out).</summary>
    internal static IRankerOptions Copy(IRankerOptions options) =>
        JsonSerializer.Deserialize<IRankerOptions>(JsonSerializer.Serialize(options, Json), Json)!;

    /// <summary>Saves <paramref name="transformer"/> into the model being written.</summary>
    internal static void Save(IRankerTransformer transformer, ModelSaveContext ctx)
    {
        ctx.CheckAtModel();
        ctx.SetVersionInfo(GetVersionInfo());

        string folder = CreateTempFolder();
        try
        {
            transformer.SaveEngineTo(folder);
            string[] files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
                .Order(StringComparer.Ordinal)
                .ToArray();

            string optionsJson = JsonSerializer.Serialize(transformer.Options, Json);
            ctx.SaveNonEmptyString(transformer.EngineName);
            ctx.Writer.Write(optionsJson);
            ctx.Writer.Write(files.Length);
            foreach (string file in files) ctx.Writer.Write(file);

            var digests = new ModelDigests();
            digests.AddSettings(transformer.EngineName, optionsJson, files);
            for (int i = 0; i < files.Length; i++)
            {
                using var source = File.OpenRead(Path.Combine(folder, files[i]));
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                ctx.SaveBinaryStream(EngineFileStream + i, writer =>
                {
                    writer.Write(source.Length);
                    writer.Flush();
                    CopyExactly(source, writer.BaseStream, source.Length, files[i], hash, checkEnd: false);
                });
                digests.AddFile(files[i], hash.GetHashAndReset());
            }
            ctx.SaveBinaryStream(DigestStream, digests.Write);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Loads the transformer; ML.NET finds this method through the <see cref="LoadableClassAttribute"/> above.</summary>
    private static IRankerTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        ctx.CheckAtModel(GetVersionInfo());

        bool hasDigests = ctx.Header.ModelVerWritten >= DigestVersion;
        string engineName = ctx.LoadNonEmptyString();
        string optionsJson = ctx.Reader.ReadString();
        int count = ctx.Reader.ReadInt32();
        if (count < 0) throw new InvalidDataException($"The IRanker model in this zip is corrupt: {count} engine files.");
        var files = new string[count];
        for (int i = 0; i < count; i++) files[i] = ctx.Reader.ReadString();

        // Format 1.2: check the settings before anything acts on them, then each file as it is copied out.
        ModelDigests? digests = null;
        if (hasDigests)
        {
            if (!ctx.TryLoadBinaryStream(DigestStream, reader => digests = ModelDigests.Read(reader, files)))
                throw new ModelIntegrityException(ModelIntegrityException.SettingsName,
                    $"The IRanker model in this zip is damaged: it is of format {FormatName(ctx.Header.ModelVerWritten)}, which carries file digests, but its '{DigestStream}' entry is missing. Restore the zip from a copy or save the model again.");
            digests!.CheckSettings(engineName, optionsJson, files);
        }

        var options = JsonSerializer.Deserialize<IRankerOptions>(MigrateOptionsJson(optionsJson, ctx.Header.ModelVerWritten), Json)
            ?? throw new InvalidDataException("The IRanker model in this zip has no options.");
        IRankingEngineFactory factory = RankingEngines.ForLoading(engineName);
        string folder = CreateTempFolder();
        try
        {
            for (int i = 0; i < count; i++)
            {
                string path = Path.GetFullPath(Path.Combine(folder, files[i]));
                if (!path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    throw new InvalidDataException($"The IRanker model in this zip names a file outside its folder: '{files[i]}'.");
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                using var hash = digests is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                bool found;
                try
                {
                    found = ctx.TryLoadBinaryStream(EngineFileStream + i, reader =>
                    {
                        long length = reader.ReadInt64();
                        using var target = File.Create(path);
                        CopyExactly(reader.BaseStream, target, length, files[i], hash, checkEnd: digests is not null);
                    });
                }
                catch (Exception e) when (digests is not null && e is IOException or InvalidDataException && e is not ModelIntegrityException)
                {
                    // A damaged compressed entry fails to inflate, or its length prefix no longer matches its content.
                    // No inner exception: ML.NET wraps loader errors, and e.GetBaseException() should find this one.
                    throw new ModelIntegrityException(files[i], $"The IRanker model in this zip is damaged: file '{files[i]}' cannot be read ({e.Message}). Restore the zip from a copy or save the model again.");
                }
                if (!found) throw new InvalidDataException($"The IRanker model in this zip lacks the stream of file '{files[i]}'.");
                if (hash is not null) digests!.CheckFile(i, hash.GetHashAndReset());
            }
            IRankingEngine engine = factory.Load(folder, options);
            return new IRankerTransformer(env, options, engine, engineName);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// The options of a zip written before format 1.3 in today's layout: their top-level <c>Schedule</c> and
    /// <c>OrderSamples</c> move into <c>Inference</c>, and <c>TaskWeights</c> and <c>ShuffleCandidates</c> (where set)
    /// into <c>Training</c>, with the precedence those formats had (the top-level value won); <c>Inference</c>'s mode and
    /// seed take the top-level ones, as they always did. A loaded model ranks exactly as it did when saved. Newer
    /// options are returned unchanged.
    /// </summary>
    internal static string MigrateOptionsJson(string json, ulong formatVersion)
    {
        if (formatVersion >= SingleOptionsVersion) return json;
        var root = JsonNode.Parse(json) as JsonObject ?? throw new InvalidDataException("The IRanker model in this zip has no options object.");
        var inference = root["Inference"] as JsonObject;
        if (inference is null) root["Inference"] = inference = [];
        Move(root, "Schedule", inference);
        Move(root, "OrderSamples", inference);
        if (root["DecodingMode"] is { } mode) inference["Mode"] = mode.DeepClone();
        if (root["Seed"] is { } seed) inference["Seed"] = seed.DeepClone();
        var training = root["Training"] as JsonObject;
        foreach (string name in new[] { "TaskWeights", "ShuffleCandidates" })
        {
            if (root[name] is { } value && value.GetValueKind() != JsonValueKind.Null && training is not null) training[name] = value.DeepClone();
            root.Remove(name);
        }
        if (training is not null)
        {
            // The top level won over these before 1.3 as it does now; today a differing copy is refused, so align them.
            if (root["Seed"] is { } trainingSeed) training["Seed"] = trainingSeed.DeepClone();
            if (root["DecodingMode"] is { } trainingMode) training["Mode"] = trainingMode.DeepClone();
            if (root["TrainingSteps"] is { } steps) training["Steps"] = steps.DeepClone();
            if (root["WarmStartSteps"] is { } warm && warm.GetValueKind() != JsonValueKind.Null) training["WarmStartSteps"] = warm.DeepClone();
            else training.Remove("WarmStartSteps");
        }
        return root.ToJsonString(Json);

        static void Move(JsonObject from, string name, JsonObject to)
        {
            if (from[name] is { } value) to[name] = value.DeepClone();
            from.Remove(name);
        }
    }

    private static string FormatName(ulong version) => $"{version >> 16}.{version & 0xFFFF}";

    // Copies exactly `length` bytes, hashing them when `hash` is given; with `checkEnd`, the source must end there too
    // (a longer stream means a damaged length prefix).
    private static void CopyExactly(Stream source, Stream target, long length, string name, IncrementalHash? hash, bool checkEnd)
    {
        var buffer = new byte[1 << 20];
        long left = length;
        while (left > 0)
        {
            int read = source.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0) throw new InvalidDataException($"The IRanker model in this zip is truncated: file '{name}' ends {left} bytes early.");
            hash?.AppendData(buffer, 0, read);
            target.Write(buffer, 0, read);
            left -= read;
        }
        if (checkEnd && source.Read(buffer, 0, 1) != 0)
            throw new InvalidDataException($"file '{name}' is longer than the {length} bytes its stored length says");
    }

    private static string CreateTempFolder() => Directory.CreateTempSubdirectory("iranker-model-").FullName;
}
