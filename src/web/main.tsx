import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';

import { App } from './App.tsx';
import { ToastProvider } from './components/Toast.tsx';
import { SessionProvider } from './session/SessionProvider.tsx';
import './styles/base.css';
import './styles/forms.css';
import './styles/components.css';
import './styles/console.css';
import './styles/shell.css';
import './styles/pages.css';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <BrowserRouter>
      <SessionProvider>
        <ToastProvider>
          <App />
        </ToastProvider>
      </SessionProvider>
    </BrowserRouter>
  </StrictMode>,
);
