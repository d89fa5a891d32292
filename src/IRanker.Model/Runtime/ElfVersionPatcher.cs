using System.Buffers.Binary;
using System.Text;

namespace IRanker.Model.Runtime;

/// <summary>
/// Reads and edits the symbol-version tables of an ELF64 little-endian shared library.
/// </summary>
/// <remarks>
/// TorchSharp 0.107's <c>libLibTorchSharp.so</c> was built with GCC 13 and so requires the version
/// <c>GLIBCXX_3.4.32</c> of <c>libstdc++.so.6</c>, for a single marker symbol that nothing calls.
/// Debian 12 and Ubuntu 22.04 ship libstdc++ up to 3.4.30, so the loader refuses the library.
/// Setting <c>VER_FLG_WEAK</c> on that one requirement (in <c>.gnu.version_r</c>) makes the loader
/// accept a host that lacks the version while still binding every real symbol normally.
/// </remarks>
internal static class ElfVersionPatcher
{
    private const uint ShtGnuVerdef = 0x6ffffffd;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    /// <summary>A version a library requires from another library, with its flags.</summary>
    internal readonly record struct VersionRequirement(string File, string Version, ushort Flags, long FlagsOffset)
    {
        public bool IsWeak => (Flags & VerFlagWeak) != 0;
    }

    /// <summary>Lists the versions a library requires (<c>.gnu.version_r</c>).</summary>
    public static IReadOnlyList<VersionRequirement> ReadRequirements(ReadOnlySpan<byte> elf)
    {
        var result = new List<VersionRequirement>();
        foreach (var (offset, size, link, count) in Sections(elf, ShtGnuVerneed))
        {
            var strtab = SectionOffset(elf, link);
            long entry = offset;
            for (uint i = 0; i < count && entry < offset + size; i++)
            {
                ushort auxCount = U16(elf, entry + 2);
                string file = CString(elf, strtab + U32(elf, entry + 4));
                long aux = entry + U32(elf, entry + 8);
                for (int j = 0; j < auxCount; j++)
                {
                    ushort flags = U16(elf, aux + 4);
                    string name = CString(elf, strtab + U32(elf, aux + 8));
                    result.Add(new VersionRequirement(file, name, flags, aux + 4));
                    uint nextAux = U32(elf, aux + 12);
                    if (nextAux == 0) break;
                    aux += nextAux;
                }
                uint next = U32(elf, entry + 12);
                if (next == 0) break;
                entry += next;
            }
        }
        return result;
    }

    /// <summary>Lists the versions a library defines (<c>.gnu.version_d</c>), e.g. libstdc++'s GLIBCXX_*.</summary>
    public static IReadOnlySet<string> ReadDefinitions(ReadOnlySpan<byte> elf)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (offset, size, link, count) in Sections(elf, ShtGnuVerdef))
        {
            var strtab = SectionOffset(elf, link);
            long entry = offset;
            for (uint i = 0; i < count && entry < offset + size; i++)
            {
                ushort auxCount = U16(elf, entry + 6);
                long aux = entry + U32(elf, entry + 12);
                for (int j = 0; j < auxCount; j++)
                {
                    result.Add(CString(elf, strtab + U32(elf, aux)));
                    uint nextAux = U32(elf, aux + 4);
                    if (nextAux == 0) break;
                    aux += nextAux;
                }
                uint next = U32(elf, entry + 16);
                if (next == 0) break;
                entry += next;
            }
        }
        return result;
    }

    /// <summary>
    /// Marks as weak every non-weak requirement of <paramref name="file"/> whose version starts with
    /// <paramref name="versionPrefix"/> and is not in <paramref name="available"/>. Returns the versions that
    /// were marked; the buffer is edited in place.
    /// </summary>
    public static IReadOnlyList<string> WeakenMissing(Span<byte> elf, string file, string versionPrefix, IReadOnlySet<string> available)
    {
        var weakened = new List<string>();
        foreach (var req in ReadRequirements(elf))
        {
            if (req.File != file || req.IsWeak || available.Contains(req.Version)) continue;
            if (!req.Version.StartsWith(versionPrefix, StringComparison.Ordinal)) continue;
            BinaryPrimitives.WriteUInt16LittleEndian(elf.Slice((int)req.FlagsOffset, 2), (ushort)(req.Flags | VerFlagWeak));
            weakened.Add(req.Version);
        }
        return weakened;
    }

    private static IEnumerable<(long Offset, long Size, uint Link, uint Info)> Sections(ReadOnlySpan<byte> elf, uint type)
    {
        CheckHeader(elf);
        long shoff = (long)U64(elf, 0x28);
        int shentsize = U16(elf, 0x3A), shnum = U16(elf, 0x3C);
        var found = new List<(long, long, uint, uint)>();
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            if (U32(elf, sh + 4) != type) continue;
            found.Add(((long)U64(elf, sh + 0x18), (long)U64(elf, sh + 0x20), U32(elf, sh + 0x28), U32(elf, sh + 0x2C)));
        }
        return found;
    }

    private static long SectionOffset(ReadOnlySpan<byte> elf, uint index)
    {
        long shoff = (long)U64(elf, 0x28);
        int shentsize = U16(elf, 0x3A);
        return (long)U64(elf, shoff + index * shentsize + 0x18);
    }

    private static void CheckHeader(ReadOnlySpan<byte> elf)
    {
        if (elf.Length < 0x40 || elf[0] != 0x7F || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("Not an ELF file.");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("Only 64-bit little-endian ELF files are supported.");
    }

    private static ushort U16(ReadOnlySpan<byte> b, long o) => BinaryPrimitives.ReadUInt16LittleEndian(b.Slice(checked((int)o), 2));
    private static uint U32(ReadOnlySpan<byte> b, long o) => BinaryPrimitives.ReadUInt32LittleEndian(b.Slice(checked((int)o), 4));
    private static ulong U64(ReadOnlySpan<byte> b, long o) => BinaryPrimitives.ReadUInt64LittleEndian(b.Slice(checked((int)o), 8));

    private static string CString(ReadOnlySpan<byte> b, long o)
    {
        var s = b.Slice(checked((int)o));
        int end = s.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? s : s[..end]);
    }
}
