using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace MusicLM.Kernel.Execution;

/// <summary>
/// The source lines of stack frames in cell code. Cells are emitted without a PDB: a portable PDB
/// lists every referenced assembly (~170 of the framework), which cost ~1.5 of a `1+1` cell's ~8 ms
/// of compilation and ~850 of its ~1,340 KiB of garbage (measured on the kernel's own path). When
/// a traceback needs a line, the cell's compilation is emitted once more, with its PDB, and a
/// frame's IL offset is mapped through that PDB as the runtime maps it (the last visible sequence
/// point at or before the offset), after checking that the method's IL is the same in both images.
/// </summary>
internal static class CellLines
{
    private static readonly EmitOptions PdbEmit = new(debugInformationFormat: DebugInformationFormat.PortablePdb);
    private static readonly ConcurrentDictionary<Assembly, CSharpCompilation> Cells = new();
    private static readonly ConcurrentDictionary<Assembly, Lazy<Image?>> Images = new();

    /// <summary>Remembers which compilation a loaded cell assembly came from.</summary>
    public static void Register(Assembly assembly, CSharpCompilation compilation) => Cells[assembly] = compilation;

    /// <summary>The file and line of a frame at <paramref name="ilOffset"/> in <paramref name="method"/>; null outside cell code or where unknown.</summary>
    public static (string File, int Line)? Find(MethodBase method, int ilOffset)
    {
        if (ilOffset < 0 || !Cells.TryGetValue(method.Module.Assembly, out var compilation)) return null;
        var image = Images.GetOrAdd(method.Module.Assembly, _ => new Lazy<Image?>(() => Image.Emit(compilation))).Value;
        return image?.Find(method, ilOffset);
    }

    /// <summary>A cell emitted again with its PDB.</summary>
    private sealed class Image(PEReader pe, MetadataReaderProvider pdb)
    {
        public static Image? Emit(CSharpCompilation compilation)
        {
            var image = new MemoryStream();
            var pdb = new MemoryStream();
            if (!compilation.Emit(image, pdb, options: PdbEmit).Success) return null;
            image.Position = 0;
            pdb.Position = 0;
            return new Image(new PEReader(image), MetadataReaderProvider.FromPortablePdbStream(pdb));
        }

        public (string File, int Line)? Find(MethodBase method, int ilOffset)
        {
            lock (this)
            {
                if (MetadataTokens.EntityHandle(method.MetadataToken) is not { Kind: HandleKind.MethodDefinition } entity) return null;
                var handle = (MethodDefinitionHandle)entity;
                var metadata = pe.GetMetadataReader();
                if (MetadataTokens.GetRowNumber(handle) > metadata.MethodDefinitions.Count) return null;
                var rva = metadata.GetMethodDefinition(handle).RelativeVirtualAddress;
                var loaded = method.GetMethodBody()?.GetILAsByteArray();
                if (rva == 0 || loaded is null || !pe.GetMethodBody(rva).GetILContent().AsSpan().SequenceEqual(loaded)) return null;

                var reader = pdb.GetMetadataReader();
                SequencePoint? best = null;
                foreach (var point in reader.GetMethodDebugInformation(handle).GetSequencePoints())
                {
                    if (point.Offset > ilOffset) break;
                    if (!point.IsHidden) best = point;
                }
                if (best is not { } p) return null;
                return (reader.GetString(reader.GetDocument(p.Document).Name), p.StartLine);
            }
        }
    }
}
