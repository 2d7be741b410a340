using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Scripting;

namespace MusicLM.Kernel.Execution;

/// <summary>
/// Resolves <c>#r</c>: file paths relative to the notebook's folder (through Roslyn's script
/// resolver) and <c>nuget:</c> references restored by <see cref="NuGetRestorer"/> beforehand.
/// Every resolved file's folder is probed for its dependencies. A <c>nuget:</c> directive binds to the
/// package's own assembly (Roslyn allows one per <c>#r</c>); the compiler's requests for the assemblies
/// it references (FSharp.Core for Plotly.NET, say) are answered from what was restored.
/// </summary>
internal sealed class KernelMetadataResolver(ScriptMetadataResolver inner, NuGetRestorer nuget, AssemblyProbing probing)
    : MetadataReferenceResolver
{
    // One reference object per file, so each cell's compilation reuses the metadata read for the first.
    private readonly ConcurrentDictionary<string, PortableExecutableReference> _files = new(StringComparer.Ordinal);

    private PortableExecutableReference FromFile(string path) =>
        _files.GetOrAdd(path, p => MetadataReference.CreateFromFile(p));

    public override ImmutableArray<PortableExecutableReference> ResolveReference(string reference, string? baseFilePath, MetadataReferenceProperties properties)
    {
        if (NuGetRestorer.Parse(reference) is not null)
        {
            // Not probed by folder: the restorer loads a package's dependencies itself, one version of each.
            if (nuget.PrimaryAssembly(reference) is not { } primary) return [];
            return [FromFile(primary).WithProperties(properties)];
        }
        var resolved = inner.ResolveReference(reference, baseFilePath, properties);
        foreach (var r in resolved)
            if (r.FilePath is not null) probing.AddFolderOf(r.FilePath);
        return resolved;
    }

    public override bool ResolveMissingAssemblies => true;

    public override PortableExecutableReference? ResolveMissingAssembly(MetadataReference definition, AssemblyIdentity referenceIdentity)
    {
        // The shared framework (and the referencing file's folder) first: a package's copy of a framework
        // assembly is older than the one running.
        var resolved = inner.ResolveMissingAssemblies ? inner.ResolveMissingAssembly(definition, referenceIdentity) : null;
        if (resolved is not null) return resolved;
        return nuget.Dependency(referenceIdentity.Name) is { } path ? FromFile(path) : null;
    }

    public override bool Equals(object? other) => ReferenceEquals(this, other);

    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);
}
