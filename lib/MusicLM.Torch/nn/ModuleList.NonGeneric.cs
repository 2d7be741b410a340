namespace MusicLM.Torch.nn;

/// <summary>A <see cref="ModuleList{T}"/> of modules of any type.</summary>
public sealed class ModuleList : ModuleList<Module>
{
    public ModuleList(params Module[] modules) : base(modules) { }

    public ModuleList(IEnumerable<Module> modules) : base(modules) { }
}
