using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Scripting;

namespace MusicLM.Kernel.Execution;

/// <summary>
/// Resolves <c>#r</c>: file paths relative to the notebook's folder (through Roslyn's script
/// resolver) and <c>nuget:</c> references restored by <see cref="NuGetRestorer"/> beforehand.
/// Every resolved file's folder is probed for its dependencies.
/// </summary>
internal sealed class KernelMetadataResolver(ScriptMetadataResolver inner, NuGetRestorer nuget, AssemblyProbing probing)
    : MetadataReferenceResolver
{
    public override ImmutableArray<PortableExecutableReference> ResolveReference(string reference, string? baseFilePath, MetadataReferenceProperties properties)
    {
        if (NuGetRestorer.Parse(reference) is not null)
        {
            if (!nuget.TryGetCached(reference, out var paths)) return [];
            foreach (var p in paths) probing.AddFolderOf(p);
            return [.. paths.Select(p => MetadataReference.CreateFromFile(p, properties))];
        }
        var resolved = inner.ResolveReference(reference, baseFilePath, properties);
        foreach (var r in resolved)
            if (r.FilePath is not null) probing.AddFolderOf(r.FilePath);
        return resolved;
    }

    public override bool ResolveMissingAssemblies => inner.ResolveMissingAssemblies;

    public override PortableExecutableReference? ResolveMissingAssembly(MetadataReference definition, AssemblyIdentity referenceIdentity) =>
        inner.ResolveMissingAssembly(definition, referenceIdentity);

    public override bool Equals(object? other) => ReferenceEquals(this, other);

    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);
}
