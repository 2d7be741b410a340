using System.Collections;

namespace MusicLM.Torch.nn;

/// <summary>
/// A list of child modules of one type (e.g. the blocks of a transformer), named by index as in PyTorch's
/// <c>ModuleList</c>: a field <c>blocks</c> gives state_dict keys <c>blocks.0.attn.qkv.weight</c>. It has
/// no forward; the owner loops over it. Parameters, <c>to()</c>, <c>train()</c> and <c>Dispose()</c> reach every item.
/// </summary>
public class ModuleList<T> : Module, IReadOnlyList<T> where T : Module
{
    private readonly List<T> items;

    public ModuleList(params T[] modules) => items = new List<T>(modules);

    public ModuleList(IEnumerable<T> modules) => items = new List<T>(modules);

    public T this[int index] => items[index];
    public int Count => items.Count;

    public void Add(T module) => items.Add(module);

    /// <summary>Adds the modules in order (PyTorch's <c>extend</c>).</summary>
    public void AddRange(IEnumerable<T> modules) => items.AddRange(modules);

    protected override IEnumerable<(string name, Module module)> ExtraChildren() => items.Select((m, i) => (i.ToString(), (Module)m));

    public IEnumerator<T> GetEnumerator() => items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
