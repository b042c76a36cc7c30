/** The local page's stylesheet (issue 11): plain, readable, large targets; served from memory. */
export const PAGE_CSS = `
body { font: 16px/1.5 system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 0 auto; max-width: 46rem; padding: 0 1rem 3rem; color: #111; background: #fff; }
header { border-bottom: 1px solid #ccc; margin-bottom: 1rem; }
h1 { font-size: 1.3rem; }
nav { display: flex; flex-wrap: wrap; gap: .25rem; padding: .5rem 0; }
button, .tab { font: inherit; padding: .4rem .8rem; border: 1px solid #555; border-radius: 4px; background: #f4f4f4; color: #111; cursor: pointer; }
.tab[aria-current="page"] { background: #1a4d8f; color: #fff; }
#lang-switch { float: right; margin-top: -2.6rem; }
fieldset { border: 1px solid #bbb; border-radius: 4px; margin: 0 0 1rem; }
label { display: inline-block; margin: .25rem .75rem .25rem .25rem; }
input:not([type]), input[type="text"], select, textarea { display: block; width: 100%; box-sizing: border-box; font: inherit; padding: .35rem; border: 1px solid #666; border-radius: 3px; }
:focus-visible { outline: 3px solid #c60; outline-offset: 2px; }
.help { color: #333; font-size: .9rem; margin: .2rem 0 .5rem; }
.error { color: #a00; font-weight: bold; }
pre { white-space: pre-wrap; word-break: break-all; background: #f6f6f6; border: 1px solid #ccc; padding: .5rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; font-size: .9rem; word-break: break-all; }
.state-trying { color: #735c00; } .state-blocked { color: #a00; } .state-lying { color: #8b008b; font-weight: bold; } .state-delivered { color: #06622b; font-weight: bold; } .state-stopped { color: #555; }
#verdict { font-size: 1.2rem; font-weight: bold; }
.danger { background: #a00; color: #fff; border-color: #700; }
form { margin: 1rem 0; }
#qr-img { display: block; width: 18rem; max-width: 100%; margin-top: .5rem; padding: 1.5rem; background: #fff; border: 1px solid #ccc; }
`;
