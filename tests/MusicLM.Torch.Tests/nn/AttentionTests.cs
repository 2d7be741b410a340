using MusicLM.Torch.nn;

namespace MusicLM.Torch.Tests;

public class AttentionTests
{
    [Fact]
    public void Causal_masked_attention_matches_pytorch_multihead_attention()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(9);
        using var mha = new MultiheadAttention(8, 2);
        var x = torch.randn(2, 5, 8);
        var kpm = torch.zeros(new long[] { 2, 5 }, ScalarType.Bool);
        kpm[1, 4] = torch.ones(new long[0], ScalarType.Bool);                   // batch 1 ignores key 4
        var inputs = new Dictionary<string, Tensor>(mha.state_dict()) { ["x"] = x, ["kpm"] = kpm };
        var (py, _) = PythonTorch.Run("""
            mha = torch.nn.MultiheadAttention(8, 2, batch_first=True)
            mha.in_proj_weight.data = load('qkv.weight'); mha.in_proj_bias.data = load('qkv.bias')
            mha.out_proj.weight.data = load('proj.weight'); mha.out_proj.bias.data = load('proj.bias')
            x = load('x')
            causal = torch.triu(torch.ones(5, 5, dtype=torch.bool), 1)
            y, w = mha(x, x, x, key_padding_mask=load('kpm'), attn_mask=causal, average_attn_weights=False)
            save('y', y); save('w', w)
            """, inputs);

        var (y, w) = mha.forward_with_weights(x, causal: true, key_padding_mask: kpm);
        Assert.Equal(new long[] { 2, 2, 5, 5 }, w.shape);
        Assert.True(y.allclose(py["y"], rtol: 0, atol: 1e-5), $"{y}\nvs PyTorch\n{py["y"]}");
        Assert.True(w.allclose(py["w"], rtol: 0, atol: 1e-5));
        Assert.True(mha.forward(x, causal: true, key_padding_mask: kpm).allclose(y));
    }

    [Fact]
    public void Incremental_decoding_with_a_kv_cache_equals_one_full_causal_pass()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(10);
        using var mha = new MultiheadAttention(8, 2);
        var x = torch.randn(2, 7, 8);
        var full = mha.forward(x, causal: true);

        using var cache = new KVCache(max_length: 7);
        var steps = Enumerable.Range(0, 7).Select(t => mha.forward(x.narrow(1, t, 1), causal: true, cache: cache)).ToList();
        Assert.Equal(7, cache.Length);
        Assert.True(torch.cat(steps, 1).allclose(full, rtol: 0, atol: 1e-5), "token by token");

        cache.Reset();
        var chunks = new List<Tensor>();
        long at = 0;
        foreach (var n in new long[] { 3, 1, 3 })
        {
            chunks.Add(mha.forward(x.narrow(1, at, n), causal: true, cache: cache));
            at += n;
        }
        Assert.True(torch.cat(chunks, 1).allclose(full, rtol: 0, atol: 1e-5), "in chunks of 3, 1, 3");

        using var prealloc = new KVCache(2, 2, 7, 4);
        var first = mha.forward(x.narrow(1, 0, 4), causal: true, cache: prealloc);
        Assert.True(first.allclose(full.narrow(1, 0, 4), rtol: 0, atol: 1e-5), "preallocated cache");
    }

    [Fact]
    public void A_full_kv_cache_refuses_more_positions()
    {
        using var scope = torch.NewDisposeScope();
        using var mha = new MultiheadAttention(4, 1);
        using var cache = new KVCache(max_length: 3);
        mha.forward(torch.randn(1, 2, 4), causal: true, cache: cache);
        var e = Assert.Throws<InvalidOperationException>(() => mha.forward(torch.randn(1, 2, 4), causal: true, cache: cache));
        Assert.Contains("max_length 3", e.Message);
        Assert.Equal(2, cache.Length);
    }

    [Fact]
    public void Masked_keys_do_not_influence_the_output()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(11);
        using var mha = new MultiheadAttention(8, 2);
        var x = torch.randn(1, 6, 8);
        var mask = torch.tensor(new long[] { 0, 0, 1, 0, 1, 0 }, 1, 6).to(ScalarType.Bool);
        var keep = torch.tensor(new long[] { 0, 1, 3, 5 });

        var changed = x.clone();
        changed[0, 2] = torch.randn(8) * 10.0;
        changed[0, 4] = torch.randn(8) * 10.0;
        var a = mha.forward(x, key_padding_mask: mask).index_select(1, keep);
        var b = mha.forward(changed, key_padding_mask: mask).index_select(1, keep);
        Assert.True(a.allclose(b, rtol: 0, atol: 1e-6));

        // Without the mask the same change does move the other positions (the check above can fail).
        var c = mha.forward(changed).index_select(1, keep);
        var d = mha.forward(x).index_select(1, keep);
        Assert.False(c.allclose(d, rtol: 0, atol: 1e-3));
    }
}
