using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

// Usage: Publicizer <input.dll> <output.dll>
// Copies the assembly and sets the visibility of every type, method and field to public, by patching
// the flag columns of the TypeDef, MethodDef and Field metadata tables in place. Nothing else changes:
// the copy is only ever a compile-time reference; the original assembly is the one that runs.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: Publicizer <input.dll> <output.dll>");
    return 2;
}

byte[] image = File.ReadAllBytes(args[0]);
int patched = AssemblyPublicizer.Publicize(image);
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(args[1]))!);
File.WriteAllBytes(args[1], image);
Console.WriteLine($"Publicizer: {Path.GetFileName(args[0])}: {patched} definitions made public");
return 0;

/// <summary>Rewrites visibility flags in a PE image's metadata tables.</summary>
internal static class AssemblyPublicizer
{
    /// <summary>Makes every type, method and field of <paramref name="image"/> public; returns how many flags changed.</summary>
    public static int Publicize(byte[] image)
    {
        var edits = new List<(int Offset, ushort Value, bool Wide, uint WideValue)>();
        using (var pe = new PEReader(new MemoryStream(image, writable: false)))
        {
            MetadataReader md = pe.GetMetadataReader();
            int metadataStart = pe.PEHeaders.MetadataStartOffset;

            // TypeDef row: Flags (uint32) first.
            int typeTable = metadataStart + md.GetTableMetadataOffset(TableIndex.TypeDef);
            int typeRow = md.GetTableRowSize(TableIndex.TypeDef);
            foreach (TypeDefinitionHandle h in md.TypeDefinitions)
            {
                TypeDefinition type = md.GetTypeDefinition(h);
                TypeAttributes flags = type.Attributes;
                TypeAttributes visibility = type.GetDeclaringType().IsNil ? TypeAttributes.Public : TypeAttributes.NestedPublic;
                if ((flags & TypeAttributes.VisibilityMask) == visibility) continue;
                uint value = (uint)((flags & ~TypeAttributes.VisibilityMask) | visibility);
                edits.Add((typeTable + (MetadataTokens.GetRowNumber(h) - 1) * typeRow, 0, true, value));
            }

            // MethodDef row: RVA (uint32), ImplFlags (uint16), Flags (uint16).
            int methodTable = metadataStart + md.GetTableMetadataOffset(TableIndex.MethodDef);
            int methodRow = md.GetTableRowSize(TableIndex.MethodDef);
            foreach (MethodDefinitionHandle h in md.MethodDefinitions)
            {
                MethodAttributes flags = md.GetMethodDefinition(h).Attributes;
                if ((flags & MethodAttributes.MemberAccessMask) == MethodAttributes.Public) continue;
                ushort value = (ushort)((flags & ~MethodAttributes.MemberAccessMask) | MethodAttributes.Public);
                edits.Add((methodTable + (MetadataTokens.GetRowNumber(h) - 1) * methodRow + 6, value, false, 0));
            }

            // Field row: Flags (uint16) first.
            int fieldTable = metadataStart + md.GetTableMetadataOffset(TableIndex.Field);
            int fieldRow = md.GetTableRowSize(TableIndex.Field);
            foreach (FieldDefinitionHandle h in md.FieldDefinitions)
            {
                FieldAttributes flags = md.GetFieldDefinition(h).Attributes;
                if ((flags & FieldAttributes.FieldAccessMask) == FieldAttributes.Public) continue;
                ushort value = (ushort)((flags & ~FieldAttributes.FieldAccessMask) | FieldAttributes.Public);
                edits.Add((fieldTable + (MetadataTokens.GetRowNumber(h) - 1) * fieldRow, value, false, 0));
            }
        }

        foreach (var (offset, value, wide, wideValue) in edits)
        {
            if (wide) BitConverter.TryWriteBytes(image.AsSpan(offset, 4), wideValue);
            else BitConverter.TryWriteBytes(image.AsSpan(offset, 2), value);
        }
        return edits.Count;
    }
}
