using System.Security.Cryptography;
using System.Text;

namespace IRanker.MLNet.Persistence;

/// <summary>
/// The SHA-256 digests an IRanker model zip carries (format 1.2 and later): one of the model's settings (engine name,
/// options JSON, file list) and one of every stored file, written at save and checked at load.
/// </summary>
internal sealed class ModelDigests
{
    // *** Binary format of the digest stream ***
    //   int:    N + 1
    //   then N + 1 entries, the settings first, then the files in the order of the main stream's file list:
    //     string: the entry's name (ModelIntegrityException.SettingsName, then each file's relative path)
    //     byte[32]: its SHA-256
    private const int DigestLength = 32;

    private readonly List<(string Name, byte[] Digest)> _entries = [];

    /// <summary>The entries, in stream order.</summary>
    public IReadOnlyList<(string Name, byte[] Digest)> Entries => _entries;

    /// <summary>Adds the digest of the settings (the first entry).</summary>
    public void AddSettings(string engineName, string optionsJson, IReadOnlyList<string> files) =>
        _entries.Add((ModelIntegrityException.SettingsName, SettingsDigest(engineName, optionsJson, files)));

    /// <summary>Adds a file's digest.</summary>
    public void AddFile(string name, byte[] digest) => _entries.Add((name, digest));

    /// <summary>The digest of the settings: their parts, each as its UTF-8 bytes followed by a 0 byte.</summary>
    public static byte[] SettingsDigest(string engineName, string optionsJson, IReadOnlyList<string> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string part in files.Prepend(optionsJson).Prepend(engineName))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(part));
            hash.AppendData([0]);
        }
        return hash.GetHashAndReset();
    }

    /// <summary>Writes the digest stream.</summary>
    public void Write(BinaryWriter writer)
    {
        writer.Write(_entries.Count);
        foreach (var (name, digest) in _entries)
        {
            writer.Write(name);
            writer.Write(digest);
        }
    }

    /// <summary>Reads a digest stream that must hold the settings and <paramref name="files"/>, in order.</summary>
    /// <exception cref="ModelIntegrityException">The stream is not the digest list of these settings and files.</exception>
    public static ModelDigests Read(BinaryReader reader, IReadOnlyList<string> files)
    {
        var digests = new ModelDigests();
        try
        {
            int count = reader.ReadInt32();
            if (count != files.Count + 1) throw Damaged($"it lists {count} entries for {files.Count} files");
            for (int i = 0; i < count; i++)
            {
                string name = reader.ReadString();
                string expected = i == 0 ? ModelIntegrityException.SettingsName : files[i - 1];
                if (name != expected) throw Damaged($"entry {i} is named '{name}' instead of '{expected}'");
                byte[] digest = reader.ReadBytes(DigestLength);
                if (digest.Length != DigestLength) throw Damaged($"entry {i} ends early");
                digests._entries.Add((name, digest));
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException && e is not ModelIntegrityException)
        {
            throw new ModelIntegrityException(ModelIntegrityException.SettingsName,
                $"The IRanker model in this zip is damaged: its list of file digests cannot be read ({e.Message}). Restore the zip from a copy or save the model again.");
        }
        return digests;

        static ModelIntegrityException Damaged(string what) => new(ModelIntegrityException.SettingsName,
            $"The IRanker model in this zip is damaged: its list of file digests does not match its file list ({what}). Restore the zip from a copy or save the model again.");
    }

    /// <summary>Checks the settings against the first entry.</summary>
    /// <exception cref="ModelIntegrityException">They differ from what was saved.</exception>
    public void CheckSettings(string engineName, string optionsJson, IReadOnlyList<string> files)
    {
        if (!CryptographicOperations.FixedTimeEquals(_entries[0].Digest, SettingsDigest(engineName, optionsJson, files)))
            throw new ModelIntegrityException(ModelIntegrityException.SettingsName,
                "The IRanker model in this zip is damaged: its settings (engine name, training options, file list) do not match the SHA-256 digest " +
                "written when it was saved. Restore the zip from a copy or save the model again.");
    }

    /// <summary>Checks the digest of file <paramref name="index"/> (0-based, as in the file list).</summary>
    /// <exception cref="ModelIntegrityException">It differs from what was saved.</exception>
    public void CheckFile(int index, byte[] actual)
    {
        var (name, expected) = _entries[index + 1];
        if (!CryptographicOperations.FixedTimeEquals(expected, actual))
            throw new ModelIntegrityException(name,
                $"The IRanker model in this zip is damaged: file '{name}' does not match the SHA-256 digest written when the model was saved " +
                $"(expected {Convert.ToHexStringLower(expected)}, read {Convert.ToHexStringLower(actual)}). Restore the zip from a copy or save the model again.");
    }
}
