-- wrk script: non-streaming OpenAI chat completion (~1 KB response).
-- Iris routes on the provider-prefixed model; the mock and the bare proxy ignore it.
-- No response() callback on purpose: it would make wrk hand every response to Lua,
-- which costs CPU on core 0 (shared with the mock). wrk reports non-2xx/3xx itself
-- ("Non-2xx or 3xx responses: N"), and run.sh checks each target with curl first.
wrk.method = "POST"
wrk.path = "/v1/chat/completions"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Say hello"}]}'
-- The iris-vk target presents a virtual key on every request (bench/run.sh sets it).
local vk = os.getenv("IRIS_BENCH_VK")
if vk and vk ~= "" then wrk.headers["x-bf-vk"] = vk end
