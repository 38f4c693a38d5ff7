// Entry point of the web UI that `lmos serve` serves at /.
import { render } from "preact";
import { App } from "./app.tsx";
import "./styles.css";

render(<App />, document.getElementById("app") as HTMLElement);
